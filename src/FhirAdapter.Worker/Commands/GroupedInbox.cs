using System.Globalization;
using System.Runtime.CompilerServices;
using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store;
using FhirAdapter.Store.Records;
using Microsoft.Data.Sqlite;

namespace FhirAdapter.Worker.Commands;

/// <summary>
/// An inbox read into a temporary SQLite store of its own, for <c>map</c> and <c>validate</c>: the store applies the
/// version rules across files and groups the records by patient on disk, exactly as <c>sync</c> does, so that memory
/// holds one batch of records and one patient at a time whatever the clinic's size. The store is deleted on dispose.
/// </summary>
internal sealed class GroupedInbox : IAsyncDisposable
{
    /// <summary>Records stored per transaction while reading.</summary>
    private const int BatchSize = 2_000;

    private readonly string _directory;
    private readonly IAdapterStore _store;
    private readonly RecordMapper _mapper;

    /// <summary>
    /// Every patient key that received a record, as its 128-bit value (a key is <c>p-</c> and 32 hex digits, whose numeric
    /// order is its ordinal order): 16 bytes a patient instead of a string and a store row each.
    /// </summary>
    private readonly HashSet<UInt128> _patients = [];

    /// <summary>Keys of another shape, should there be any.</summary>
    private readonly SortedSet<string> _otherKeys = new(StringComparer.Ordinal);

    private GroupedInbox(string directory, IAdapterStore store, RecordMapper mapper)
    {
        _directory = directory;
        _store = store;
        _mapper = mapper;
    }

    /// <summary>What reading found, for the summary.</summary>
    public sealed record Counts(int Files, int Valid, int Invalid, int Current, int Superseded, int Repeats, int Stale, int Conflicts);

    public Counts Read { get; private set; } = new(0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Reads every file of <paramref name="inbox"/>; each rejected record's errors go to <paramref name="rejected"/> as they are found.</summary>
    public static async Task<GroupedInbox> ReadAsync(string inbox, RecordMapper mapper, Action<RecordError> rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        var directory = Path.Combine(Path.GetTempPath(), "fhiradapter-grouping-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var store = AdapterStores.Create(new StoreOptions { ConnectionString = $"Data Source={Path.Combine(directory, "records.db")}" });
        var grouped = new GroupedInbox(directory, store, mapper);
        try
        {
            await grouped.IngestAsync(inbox, rejected, cancellationToken).ConfigureAwait(false);
            return grouped;
        }
        catch
        {
            await grouped.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The current version of every form.</summary>
    public async Task<IReadOnlyList<ClinicRecord>> FormsAsync(CancellationToken cancellationToken) =>
        [.. (await _store.GetCurrentFormsAsync(cancellationToken).ConfigureAwait(false)).Select(s => s.ToClinicRecord())];

    /// <summary>Each patient's MRN and current records, in patient-key order (the order output files are named in).</summary>
    public async IAsyncEnumerable<(string Mrn, IReadOnlyList<ClinicRecord> Records)> PatientsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var keys = _patients.Order().Select(k => "p-" + k.ToString("x32", CultureInfo.InvariantCulture)).Concat(_otherKeys);
        foreach (var key in keys)
        {
            var stored = await _store.GetCurrentRecordsAsync(key, cancellationToken).ConfigureAwait(false);
            if (stored.Count > 0)
            {
                yield return (stored[0].PatientMrn!, [.. stored.Select(s => s.ToClinicRecord())]);
            }
        }
    }

    private void Remember(string? key)
    {
        if (key is null)
        {
            return;
        }

        if (key.StartsWith("p-", StringComparison.Ordinal) && key.Length == 34
            && UInt128.TryParse(key.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            && key.AsSpan(2).IndexOfAnyInRange('A', 'F') < 0)
        {
            _patients.Add(value);
        }
        else
        {
            _otherKeys.Add(key);
        }
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools(); // the pool holds the file open
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    private async Task IngestAsync(string inbox, Action<RecordError> rejected, CancellationToken cancellationToken)
    {
        var files = InboxReader.ListFiles(inbox);
        int valid = 0, invalid = 0, current = 0, superseded = 0, repeats = 0, stale = 0, conflicts = 0;
        var batch = new List<RecordArrival>(BatchSize);

        async Task FlushAsync()
        {
            var result = await _store.IngestAsync(new IngestBatch { Records = batch }, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < result.Arrivals.Count; i++)
            {
                switch (result.Arrivals[i].Outcome)
                {
                    case VersionOutcome.New: current++; break;
                    case VersionOutcome.Supersedes: superseded++; break;
                    case VersionOutcome.Repeat: repeats++; break;
                    case VersionOutcome.Stale: stale++; break;
                    case VersionOutcome.Conflict:
                        conflicts++;
                        var record = batch[i].Record;
                        var kept = await _store.GetCurrentRecordAsync(record.Kind, record.RecordId, cancellationToken).ConfigureAwait(false);
                        rejected(new RecordError(record.Source, record.RecordId, "updatedAt",
                            $"has the same updatedAt as the version read from {kept?.Source} but different content; keeping the first, rejecting this one"));
                        break;
                }
            }

            batch.Clear();
        }

        foreach (var file in files)
        {
            await foreach (var item in InboxReader.ReadFileAsync(Path.Combine(inbox, file), file, cancellationToken).ConfigureAwait(false))
            {
                if (item.Record is { } record)
                {
                    valid++;
                    var key = record.PatientMrn is { } mrn ? _mapper.PatientKey(mrn) : null;
                    batch.Add(new RecordArrival(record, key));
                    Remember(key);
                    if (batch.Count >= BatchSize)
                    {
                        await FlushAsync().ConfigureAwait(false);
                    }
                }
                else
                {
                    invalid++;
                    foreach (var error in item.Errors)
                    {
                        rejected(error);
                    }
                }
            }
        }

        if (batch.Count > 0)
        {
            await FlushAsync().ConfigureAwait(false);
        }

        Read = new Counts(files.Count, valid, invalid, current, superseded, repeats, stale, conflicts);
    }
}
