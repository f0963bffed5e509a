namespace FhirAdapter.Core.Reading;

/// <summary>
/// The current version of every record read so far, by kind and recordId, with the version rules
/// applied as records arrive in any order.
/// </summary>
public sealed class RecordSet
{
    private readonly Dictionary<(RecordKind, string), ClinicRecord> _current = [];

    public int Read { get; private set; }

    public int Superseded { get; private set; }

    public int Repeats { get; private set; }

    public int Stale { get; private set; }

    public IEnumerable<ClinicRecord> Records => _current.Values;

    /// <summary>Applies the version rules; a conflict comes back as an error for the caller to report.</summary>
    public (VersionOutcome Outcome, RecordError? Error) Add(ClinicRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Read++;
        var key = (record.Kind, record.RecordId);
        var known = _current.GetValueOrDefault(key);
        var outcome = VersionRules.Compare(known?.UpdatedAt, known?.ContentHash, known is null ? 0 : VersionRules.Restrictiveness(known.Payload),
            record.UpdatedAt, record.ContentHash, VersionRules.Restrictiveness(record.Payload));
        switch (outcome)
        {
            case VersionOutcome.New:
                _current[key] = record;
                break;
            case VersionOutcome.Supersedes:
                _current[key] = record;
                Superseded++;
                break;
            case VersionOutcome.Repeat:
                Repeats++;
                break;
            case VersionOutcome.Stale:
                Stale++;
                break;
            case VersionOutcome.Conflict:
                return (outcome, new RecordError(record.Source, record.RecordId, "updatedAt",
                    $"has the same updatedAt as the version read from {known!.Source} but different content; keeping the first, rejecting this one"));
        }

        return (outcome, null);
    }
}
