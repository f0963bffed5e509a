using System.Text.Json.Nodes;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Store.Delivery;
using FhirAdapter.Worker.Sync;
using FhirAdapter.Worker.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace FhirAdapter.Worker.Tests.Sync;

/// <summary>
/// The consent cases of 42 CFR Part 2 (<see cref="ConsentCases"/>, the same table as the API's) on the push path:
/// syncs of an inbox holding the forms and the case's export file to a real FHIR server (Medplum's, on loopback), on a
/// fixed clock. Each case checks what arrived at the server, what the sync report says was sent and withheld, and
/// what the accounting of disclosures holds; the two-step cases sync again after the revocation or the consent
/// arrives. The passes run in one in-process worker (its validator is loaded once); the pass while the destination is
/// down runs in a worker of its own, so that its failures leave the others' resilience state alone.
/// </summary>
[Collection(FhirServerCollection.Name)]
public sealed class ConsentCaseSyncTests(FhirServerFixture server)
{
    private const string Destination = "ehr";

    public static TheoryData<string> Cases => [.. ConsentCases.Names];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_consent_case_sends_what_the_consent_permits_withholds_the_rest_and_accounts_for_it(string name)
    {
        var @case = ConsentCases.Get(name);
        await server.ResetAsync();
        using var setup = new SyncSetup(server.BaseUrl, ConsentCases.Organization);
        setup.KeepOnly("2026-01-05_forms.json");
        var time = new FakeTimeProvider(ConsentCases.Now);
        await using var worker = Worker(setup, time);
        var key = worker.PatientKey(@case.Mrn);

        Arrive(setup, "1-case", @case.Records);
        var first = await worker.Runner.RunOnceAsync(CancellationToken.None);
        // The patient is mapped and valid: whatever does not go is held back by the consent alone.
        Assert.Equal((1, 0, 0), (first.PatientsMapped, first.ResourcesInvalid, first.RecordsRejected));
        var afterFirst = await AssertArrivedAsync(worker, @case, key, @case.First, first, Arrived.None);

        if (@case.AfterLater is not { } afterLater)
        {
            return;
        }

        if (@case.Pending.Count > 0)
        {
            // More data while the destination is down (every request answers 503): it stays pending work.
            Arrive(setup, "2-pending", @case.Pending);
            await server.InjectFaultsAsync(503, 1000, null);
            try
            {
                await using var cutOff = Worker(setup, time);
                var down = await cutOff.Runner.RunOnceAsync(CancellationToken.None);
                Assert.True(down.WaitingForRetry > 0 && down.Sent == 0, $"waiting {down.WaitingForRetry}, sent {down.Sent}");
            }
            finally
            {
                await server.InjectFaultsAsync(503, 0, null);
            }

            Assert.True(await IsPendingAsync(worker, key));
            Assert.Equal(afterFirst.Counts, (await ArrivedAsync(worker, key)).Counts);
        }

        Arrive(setup, "3-later", @case.Later);
        var later = await worker.Runner.RunOnceAsync(CancellationToken.None);
        await AssertArrivedAsync(worker, @case, key, afterLater, later, afterFirst);
    }

    /// <summary>Checks the server, the report and the accounting after one pass; returns what has arrived so far.</summary>
    private async Task<Arrived> AssertArrivedAsync(InProcessWorker worker, ConsentCase @case, string key, ConsentExpectation expected, SyncReport report, Arrived before)
    {
        var now = await ArrivedAsync(worker, key);
        var added = now.Counts.Sum(c => c.Value) - before.Counts.Sum(c => c.Value);
        Assert.True(report.Sent == added + now.Questionnaires - before.Questionnaires, $"the report says {report.Sent} sent; {added} patient resources arrived");
        Assert.False(await IsPendingAsync(worker, key));

        var stored = await worker.Store.GetResourcesAsync(key, CancellationToken.None);
        var note = stored.Single(r => r.ResourceType == "DocumentReference" && r.Identifier.EndsWith($"{@case.SessionId}.note", StringComparison.Ordinal));
        var noteState = await worker.Store.GetDeliveryAsync(Destination, note.ResourceType, note.Identifier, CancellationToken.None);
        if (expected.Disclosed)
        {
            Assert.Equal(1, now.Counts["Patient"]);
            Assert.Equal(@case.Mrn, (string?)(await ServerContents.AllAsync(server, "Patient")).Single()["identifier"]!.AsArray().Single(i => ((string?)i!["system"])!.EndsWith("/sid/mrn", StringComparison.Ordinal))!["value"]);
            Assert.True(now.Counts["Encounter"] >= 1);
            Assert.Equal(expected.NotesDisclosed ? 1 : 0, now.Counts["DocumentReference"]);
            Assert.Equal(expected.NotesDisclosed ? DeliveryStatus.Sent : DeliveryStatus.Withheld, noteState!.Status);
            // The consent the disclosure rests on went with the data, and the notice names it.
            var consents = (await ServerContents.AllAsync(server, "Consent")).Select(RecordId).ToList();
            Assert.Contains(expected.ConsentRecordId, consents);
            var notice = (await ServerContents.AllAsync(server, "Provenance")).Single(p => p["policy"] is not null);
            Assert.Contains(notice["entity"]!.AsArray(), e => (string?)e!["what"]!["identifier"]?["value"] == expected.ConsentRecordId);
            // Withheld, as the report counts it: what was mapped and did not arrive (the notice is the one resource the
            // disclosure adds), which is the note unless released, and the Part 2 consents this disclosure does not rest on.
            Assert.Equal(stored.Count - (added - 1), report.Withheld);
            Assert.Equal((expected.NotesDisclosed ? 0 : 1) + stored.Count(r => r.ResourceType == "Consent") - consents.Count, report.Withheld);
        }
        else
        {
            // Nothing (more) of the patient arrived; the note never went.
            Assert.Equal(before.Counts, now.Counts);
            Assert.NotEqual(DeliveryStatus.Sent, noteState?.Status);
            foreach (var session in @case.PendingSessionIds)
            {
                // Work that was pending when the consent stopped permitting is cancelled, not sent.
                var encounter = stored.Single(r => r.ResourceType == "Encounter" && r.Identifier.EndsWith($"|{session}", StringComparison.Ordinal));
                Assert.NotEqual(DeliveryStatus.Sent, (await worker.Store.GetDeliveryAsync(Destination, encounter.ResourceType, encounter.Identifier, CancellationToken.None))?.Status);
            }
        }

        var accounting = await worker.Store.GetDisclosuresAsync(key, null, CancellationToken.None);
        Assert.All(accounting, d => Assert.Equal((ConsentCases.Organization, DisclosureChannel.Push), (d.OrganizationId, d.Channel)));
        Assert.All(before.Disclosures, id => Assert.Contains(id, accounting.Select(d => d.Id))); // what was sent stays accounted
        var recorded = accounting.Where(d => !before.Disclosures.Contains(d.Id)).ToList();
        if (expected.Disclosed)
        {
            var disclosure = Assert.Single(recorded);
            Assert.Equal(expected.ConsentRecordId, disclosure.ConsentRecordId);
            Assert.Equal(expected.NotesDisclosed, disclosure.ResourceIds.Any(r => r.EndsWith($"{@case.SessionId}.note", StringComparison.Ordinal)));
        }
        else
        {
            Assert.Empty(recorded);
        }

        return now with { Disclosures = [.. accounting.Select(d => d.Id)] };
    }

    /// <summary>What the server holds, by type (the forms apart: they go to every destination), and the patient's accounting.</summary>
    private async Task<Arrived> ArrivedAsync(InProcessWorker worker, string key)
    {
        var counts = await ServerContents.CountsAsync(server);
        var questionnaires = counts["Questionnaire"];
        counts.Remove("Questionnaire");
        var disclosures = (await worker.Store.GetDisclosuresAsync(key, null, CancellationToken.None)).Select(d => d.Id).ToList();
        return new Arrived(counts, questionnaires, disclosures);
    }

    /// <summary>Whether the patient has work pending at the destination (claimed and given back at once).</summary>
    private static async Task<bool> IsPendingAsync(InProcessWorker worker, string key)
    {
        var leases = await worker.Store.ClaimPendingPatientsAsync("probe", Destination, 1000, CancellationToken.None);
        await worker.Store.ReleaseAsync("probe", [.. leases.Select(l => l.PatientKey)], CancellationToken.None);
        return leases.Any(l => l.PatientKey == key);
    }

    private static string? RecordId(JsonObject resource) =>
        (string?)resource["identifier"]?.AsArray().FirstOrDefault(i => ((string?)i!["system"])?.EndsWith("/sid/record", StringComparison.Ordinal) == true)?["value"];

    private static void Arrive(SyncSetup setup, string name, IEnumerable<JsonObject> records) =>
        File.WriteAllText(Path.Combine(setup.Inbox, $"2026-03-20_{name}.ndjson"), ConsentCase.Ndjson(records));

    /// <summary>A worker as <c>sync --once</c> runs; no retries: a retry would wait on the fixed clock, so a failed send waits for the next pass.</summary>
    private static InProcessWorker Worker(SyncSetup setup, TimeProvider time, params string[] more) =>
        new([.. setup.Configuration, "--Adapter:Destinations:0:MaxRetryAttempts=0", .. more], time);

    /// <summary>The server's resources by type, the forms counted apart, and the ids of the patient's accounting entries.</summary>
    private sealed record Arrived(SortedDictionary<string, int> Counts, int Questionnaires, IReadOnlyList<string> Disclosures)
    {
        public static Arrived None { get; } = new(new SortedDictionary<string, int>(ServerContents.Types.Where(t => t != "Questionnaire").ToDictionary(t => t, _ => 0), StringComparer.Ordinal), 0, []);
    }
}
