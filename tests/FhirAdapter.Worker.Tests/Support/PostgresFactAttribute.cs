namespace FhirAdapter.Worker.Tests.Support;

/// <summary>
/// A test that needs PostgreSQL (<see cref="TestPostgres"/>): reported as skipped, with the reason, when
/// <c>FHIRADAPTER_SKIP_POSTGRES=1</c> and no server is given. xUnit 2 cannot skip at run time, so the choice is made
/// when the attribute is read, at discovery. Otherwise it runs, and fails if no server can be found or started.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestPostgres.Skipped)
        {
            Skip = $"PostgreSQL tests skipped: {TestPostgres.SkipVariable}=1 (and no {TestPostgres.ConnectionVariable})";
        }
    }
}
