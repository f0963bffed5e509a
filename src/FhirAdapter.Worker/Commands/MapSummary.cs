using FhirAdapter.Core.Export;
using FhirAdapter.Core.Mapping;

namespace FhirAdapter.Worker.Commands;

/// <summary>The summary a person reads after <c>map</c>: counts, then what was held and rejected and why.</summary>
internal static class MapSummary
{
    public static void Write(TextWriter output, string inbox, string target, InboxSnapshot snapshot, MappingResult result, MappingWriter written)
    {
        var records = snapshot.Records;
        var rejected = snapshot.Rejected.Concat(result.Rejected).ToList();
        var rejectedRecords = rejected.Select(e => (e.Source, e.RecordId)).Distinct().Count();
        output.WriteLine($"Read {records.Read + snapshot.RejectedRecords} records from {snapshot.Files} files in {inbox}: "
            + $"{records.Records.Count()} current versions ({records.Superseded} superseded, {records.Repeats} repeats, {records.Stale} stale), "
            + $"{snapshot.RejectedRecords} invalid.");
        output.WriteLine($"Wrote {written.Patients} patient Bundles{(result.Questionnaires is null ? "" : " and the Questionnaires")} to {target} ({written.Files} files).");
        output.WriteLine("Resources written by type:");
        foreach (var (type, count) in written.ResourcesByType)
        {
            output.WriteLine($"  {type,-26} {count,6}");
        }

        output.WriteLine($"Held: {result.Held.Count} records (they wait; nothing is lost).");
        foreach (var held in result.Held.OrderBy(h => h.Record.Source.File, StringComparer.Ordinal).ThenBy(h => h.Record.RecordId, StringComparer.Ordinal))
        {
            output.WriteLine($"  {held}");
        }

        output.WriteLine($"Rejected: {rejectedRecords} records.");
        foreach (var error in rejected)
        {
            output.WriteLine($"  {error}");
        }
    }
}
