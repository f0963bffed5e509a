namespace FhirAdapter.Core.Reading;

/// <summary>
/// Everything read from an inbox in one pass: the current version of each record (version rules
/// applied) and every record that was rejected while reading, with its reason.
/// </summary>
public sealed class InboxSnapshot
{
    private InboxSnapshot(RecordSet records, IReadOnlyList<RecordError> rejected, int files)
    {
        Records = records;
        Rejected = rejected;
        Files = files;
    }

    public RecordSet Records { get; }

    public IReadOnlyList<RecordError> Rejected { get; }

    public int Files { get; }

    /// <summary>The number of records rejected (a record with several errors counts once).</summary>
    public int RejectedRecords => Rejected.Select(e => (e.Source, e.RecordId)).Distinct().Count();

    public static async Task<InboxSnapshot> ReadAsync(string inbox, CancellationToken cancellationToken = default)
    {
        var files = InboxReader.ListFiles(inbox);
        var records = new RecordSet();
        var rejected = new List<RecordError>();
        await foreach (var item in InboxReader.ReadDirectoryAsync(inbox, cancellationToken).ConfigureAwait(false))
        {
            if (item.Record is { } record)
            {
                if (records.Add(record).Error is { } conflict)
                {
                    rejected.Add(conflict);
                }
            }
            else
            {
                rejected.AddRange(item.Errors);
            }
        }

        return new InboxSnapshot(records, rejected, files.Count);
    }
}
