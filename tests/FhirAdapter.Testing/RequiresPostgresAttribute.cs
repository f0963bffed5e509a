namespace FhirAdapter.Testing;

/// <summary>
/// Marks a test, or every test of a class, as needing PostgreSQL (<see cref="TestPostgres"/>). With
/// <c>FHIRADAPTER_SKIP_POSTGRES=1</c> and no server given, <see cref="PostgresSkippingFramework"/> reports it as skipped;
/// otherwise it runs, and fails if no server can be found or started.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class RequiresPostgresAttribute : Attribute;
