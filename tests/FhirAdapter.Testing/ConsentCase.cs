using System.Text.Json.Nodes;

namespace FhirAdapter.Testing;

/// <summary>
/// One consent case of 42 CFR Part 2 (<see cref="ConsentCases"/>): one patient's records in the clinic export format,
/// what the organization under test must hold after they arrive, and, for the cases that change between two syncs
/// (or two requests), what arrives next and what it must hold then.
/// </summary>
/// <param name="Records">The export as it first arrives: intake, a session with notes, the consents.</param>
/// <param name="Pending">More of the patient's data that arrives before <paramref name="Later"/>; on the push path while the destination cannot be reached, so that it is pending work when <paramref name="Later"/> arrives.</param>
/// <param name="Later">What arrives next (a revocation, a consent); empty for the one-step cases.</param>
/// <param name="AfterLater">What the organization must hold after <paramref name="Later"/>; null for the one-step cases.</param>
public sealed record ConsentCase(
    string Name,
    string Mrn,
    IReadOnlyList<JsonObject> Records,
    ConsentExpectation First,
    IReadOnlyList<JsonObject> Pending,
    IReadOnlyList<JsonObject> Later,
    ConsentExpectation? AfterLater)
{
    /// <summary>The recordId of the first session: its note is the DocumentReference <c>{SessionId}.note</c>.</summary>
    public string SessionId => (string)Records.Single(r => (string?)r["recordType"] == "session")["recordId"]!;

    /// <summary>The recordIds of the sessions in <see cref="Pending"/>.</summary>
    public IReadOnlyList<string> PendingSessionIds => [.. Pending.Where(r => (string?)r["recordType"] == "session").Select(r => (string)r["recordId"]!)];

    /// <summary>Records as the lines of an NDJSON file of the practice system.</summary>
    public static string Ndjson(IEnumerable<JsonObject> records) => string.Concat(records.Select(r => r.ToJsonString() + "\n"));

    /// <summary>
    /// Records of this case (changed or not) as NDJSON under the MRN and record ids of patient <paramref name="number"/>
    /// (90 and up: no case uses them), so that a test can make them arrive without meeting the case's own patient.
    /// </summary>
    public string NdjsonAs(int number, IEnumerable<JsonObject> records)
    {
        var mrn = ConsentCases.MrnOf(number);
        return Ndjson(records)
            .Replace(Mrn, mrn, StringComparison.Ordinal)
            .Replace(ConsentCases.TagOf(Mrn), ConsentCases.TagOf(mrn), StringComparison.Ordinal);
    }

    public override string ToString() => Name;
}
