using FhirAdapter.Generation;
using Microsoft.Data.Sqlite;

namespace FhirAdapter.Worker.Tests.Support;

/// <summary>
/// A generated clinic of <see cref="Patients"/> patients whose consents are in force today (it opened four months ago),
/// read, mapped and validated once into a SQLite store with no destination. Each test starts from a copy of that store
/// (<see cref="NewStore"/>), so the costly part, validation, is paid once for all of them.
/// </summary>
public sealed class GeneratedClinic : IAsyncLifetime
{
    public const int Patients = 200;

    private readonly TempDir _dir = new();

    public string Inbox => Path.Combine(_dir.Path, "inbox");

    private string Mapped => Path.Combine(_dir.Path, "mapped.db");

    /// <summary>Patients (with the Questionnaires) the mapping stored: what a new destination gets queued.</summary>
    public int MappedKeys { get; private set; }

    public async Task InitializeAsync()
    {
        new ClinicGenerator(new ClinicGeneratorOptions
        {
            Patients = Patients,
            Seed = 11,
            InvalidRate = 0,
            StartDate = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-120)),
        }).Generate(Inbox);
        await using (var worker = new InProcessWorker(Configuration(Mapped), TimeProvider.System))
        {
            var report = await worker.Runner.RunOnceAsync(CancellationToken.None);
            Assert.True(report.PatientsMapped > Patients * 9 / 10 && report.ResourcesInvalid == 0, $"{report.PatientsMapped} mapped, {report.ResourcesInvalid} invalid");
        }

        SqliteConnection.ClearAllPools();
        await using var connection = new SqliteConnection($"Data Source={Mapped}");
        await connection.OpenAsync();
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        await checkpoint.ExecuteNonQueryAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(DISTINCT patient_key) FROM patient_resource WHERE removed_at IS NULL";
        MappedKeys = Convert.ToInt32(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A copy of the mapped store for one test, and the configuration (inbox, store, profiles) to run on it.</summary>
    public string[] NewStore(string name)
    {
        var path = Path.Combine(_dir.Path, name + ".db");
        File.Copy(Mapped, path, overwrite: true);
        return Configuration(path);
    }

    private string[] Configuration(string store) =>
    [
        $"--Adapter:Inbox={Inbox}",
        $"--Adapter:Store:ConnectionString=Data Source={store}",
        $"--Adapter:Validation:ProfilesPath={Path.Combine(RepoPaths.Root, "profiles")}",
        $"--Adapter:Store:LeaseDuration={SyncSetup.LeaseDuration}",
    ];

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
        return Task.CompletedTask;
    }
}
