using System.ComponentModel.DataAnnotations;

namespace FhirAdapter.Store;

/// <summary>The state store's settings, bound from <c>Adapter:Store</c>.</summary>
public sealed class StoreOptions
{
    public const string SectionName = "Adapter:Store";

    public const string SqliteProvider = "Sqlite";

    public const string PostgresProvider = "Postgres";

    /// <summary>Which implementation to use: <c>Sqlite</c> (the default; one worker) or <c>Postgres</c> (several workers on one database).</summary>
    public string Provider { get; set; } = SqliteProvider;

    /// <summary>The provider's connection string; for SQLite, a relative path is relative to the working directory; for PostgreSQL, an Npgsql connection string naming a Host.</summary>
    [Required]
    public string ConnectionString { get; set; } = "Data Source=data/fhiradapter.db";

    /// <summary>How long a claimed patient or tick stays with its worker without renewal.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a write waits for another writer (another worker or process) before failing.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
