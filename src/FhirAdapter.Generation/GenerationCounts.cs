using FhirAdapter.Core.Reading;

namespace FhirAdapter.Generation;

/// <summary>Running totals of one generation run.</summary>
internal sealed class GenerationCounts
{
    private readonly Dictionary<RecordKind, int> _records = new()
    {
        [RecordKind.Form] = 0, [RecordKind.Intake] = 0, [RecordKind.Consent] = 0, [RecordKind.Session] = 0,
    };

    public IReadOnlyDictionary<RecordKind, int> Records => _records;

    public int Corrections { get; set; }

    public int Courses { get; set; }

    public int LateIntakes { get; set; }

    public int Revocations { get; set; }

    public int SessionUpdates { get; set; }

    public int Withdrawals { get; set; }

    public int Repeats { get; set; }

    public void Written(RecordKind kind, int count = 1) => _records[kind] += count;
}
