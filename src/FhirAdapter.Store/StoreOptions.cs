namespace FhirAdapter.Store;

/// <summary>The state store's settings, bound from <c>Adapter:Store</c>.</summary>
public sealed class StoreOptions
{
    public const string SectionName = "Adapter:Store";

    public const string SqliteProvider = "Sqlite";

    /// <summary>Which implementation to use: <c>Sqlite</c> (the default; <c>Postgres</c> comes with scale-out).</summary>
    public string Provider { get; set; } = SqliteProvider;

    /// <summary>The provider's connection string; for SQLite, a relative path is relative to the working directory.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/fhiradapter.db";

    /// <summary>How long a claimed patient or tick stays with its worker without renewal.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a write waits for another writer (another worker or process) before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
