using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;

namespace FhirAdapter.Worker.Commands;

/// <summary>The summary a person reads after <c>map</c>: counts, then what was held and rejected and why.</summary>
internal static class MapSummary
{
    /// <summary>Held records and errors listed at most (all are counted): a large clinic's list would only scroll by.</summary>
    public const int Listed = 1_000;

    public static void Write(
        TextWriter output, string inbox, string target, GroupedInbox.Counts read, int rejectedRecords,
        FirstItems<RecordError> rejected, FirstItems<HeldRecord> held, MappingWriter written, bool questionnaires)
    {
        output.WriteLine($"Read {read.Valid + read.Invalid} records from {read.Files} files in {inbox}: "
            + $"{read.Current} current versions ({read.Superseded} superseded, {read.Repeats} repeats, {read.Stale} stale), "
            + $"{read.Invalid + read.Conflicts} invalid.");
        output.WriteLine($"Wrote {written.Patients} patient Bundles{(questionnaires ? " and the Questionnaires" : "")} to {target} ({written.Files} files).");
        output.WriteLine("Resources written by type:");
        foreach (var (type, count) in written.ResourcesByType)
        {
            output.WriteLine($"  {type,-26} {count,6}");
        }

        output.WriteLine($"Held: {held.Total} records (they wait; nothing is lost).");
        foreach (var record in held.Items.OrderBy(h => h.Record.Source.File, StringComparer.Ordinal).ThenBy(h => h.Record.RecordId, StringComparer.Ordinal))
        {
            output.WriteLine($"  {record}");
        }

        More(output, held.Omitted, "held records");
        output.WriteLine($"Rejected: {rejectedRecords} records.");
        foreach (var error in rejected.Items)
        {
            output.WriteLine($"  {error}");
        }

        More(output, rejected.Omitted, "errors");
    }

    private static void More(TextWriter output, int omitted, string what)
    {
        if (omitted > 0)
        {
            output.WriteLine($"  … and {omitted} more {what} (the first {Listed} are listed).");
        }
    }
}
