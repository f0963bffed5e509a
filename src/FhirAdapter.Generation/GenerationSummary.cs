using FhirAdapter.Core.Reading;

namespace FhirAdapter.Generation;

/// <summary>What <see cref="ClinicGenerator"/> wrote: files, records by kind, and the deliberate oddities among them.</summary>
public sealed record GenerationSummary
{
    public required string OutputDirectory { get; init; }

    public required int Patients { get; init; }

    public required int Seed { get; init; }

    /// <summary>The inbox's files in reading (name) order; the invalid-records list is not among them.</summary>
    public required IReadOnlyList<GeneratedFile> Files { get; init; }

    /// <summary>Records written, by kind, counting every version (invalid ones, corrections, repeats).</summary>
    public required IReadOnlyDictionary<RecordKind, int> RecordsByKind { get; init; }

    public int TotalRecords => RecordsByKind.Values.Sum();

    /// <summary>Records made invalid on purpose; each is listed in <see cref="ClinicGenerator.InvalidRecordsFile"/>.</summary>
    public required int InvalidRecords { get; init; }

    /// <summary>Of <see cref="InvalidRecords"/>, those that read fine and only the mapping rejects (an intake answer its form lacks).</summary>
    public required int InvalidByMapping { get; init; }

    /// <summary>Later, corrected versions of the records rejected when read.</summary>
    public required int Corrections { get; init; }

    public required int Courses { get; init; }

    /// <summary>Intakes written after the patient's sessions (they come in the next batch's updates file).</summary>
    public required int LateIntakes { get; init; }

    public required int Revocations { get; init; }

    /// <summary>Sessions superseded by a later corrected version.</summary>
    public required int SessionUpdates { get; init; }

    /// <summary>Sessions withdrawn later with status entered-in-error.</summary>
    public required int Withdrawals { get; init; }

    /// <summary>Records sent again unchanged (exact repeats).</summary>
    public required int Repeats { get; init; }
}
