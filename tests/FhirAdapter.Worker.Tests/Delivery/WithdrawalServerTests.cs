using System.Text.Json.Nodes;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store.Delivery;
using FhirAdapter.Worker.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace FhirAdapter.Worker.Tests.Delivery;

/// <summary>
/// Withdrawals at a real FHIR server (Medplum's, on loopback, validating what it stores as a strict EHR would): what
/// the mapping no longer produces is marked entered-in-error over what was sent, with nothing of its content.
/// </summary>
[Collection(FhirServerCollection.Name)]
public sealed class WithdrawalServerTests(FhirServerFixture server)
{
    private const string Destination = "ehr";

    [Fact]
    public async Task A_note_and_side_effects_removed_from_a_session_are_withdrawn_at_the_server_without_their_content()
    {
        var @case = ConsentCases.Get(ConsentCases.GuardianSigned); // notes released: the note goes
        await server.ResetAsync();
        using var setup = new SyncSetup(server.BaseUrl, ConsentCases.Organization);
        setup.KeepOnly("2026-01-05_forms.json");
        var time = new FakeTimeProvider(ConsentCases.Now);
        await using var worker = new InProcessWorker([.. setup.Configuration, "--Adapter:Destinations:0:MaxRetryAttempts=0"], time);
        var key = worker.PatientKey(@case.Mrn);
        var session = @case.Records.Single(r => (string?)r["recordType"] == "session");
        Arrive(setup, "1-case", @case.Records);
        await worker.Runner.RunOnceAsync(CancellationToken.None);
        var note = Assert.Single(await ServerContents.AllAsync(server, "DocumentReference"));
        var sideEffects = (await ServerContents.AllAsync(server, "Observation")).Where(o => Identifier(o).Contains(".side-effect.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(sideEffects);

        Arrive(setup, "2-edited", [JsonNode.Parse(session.ToJsonString())!.AsObject().Without("notes").Without("sideEffects").With("updatedAt", "2026-03-20T06:10:00-04:00")]);
        time.Advance(TimeSpan.FromMinutes(10));
        var report = await worker.Runner.RunOnceAsync(CancellationToken.None);

        Assert.Empty(await ServerContents.DuplicatesAsync(server)); // the conditional updates hit the resources sent
        var withdrawn = (await ServerContents.AllAsync(server, "DocumentReference"))
            .Concat((await ServerContents.AllAsync(server, "Observation")).Where(o => Identifier(o).Contains(".side-effect.", StringComparison.Ordinal))).ToList();
        Assert.Equal([Identifier(note), .. sideEffects.Select(Identifier)], withdrawn.Select(Identifier));
        foreach (var resource in withdrawn)
        {
            Assert.Equal("entered-in-error", (string?)resource["status"]);
            Assert.Equal((string?)note["subject"]!["reference"], (string?)resource["subject"]!["reference"]);
            var text = resource.ToJsonString();
            Assert.DoesNotContain("\"note\"", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\"valueCodeableConcept\"", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\"data\"", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\"category\"", text, StringComparison.Ordinal);
        }

        var attachment = withdrawn[0]["content"]!.AsArray().Single()!["attachment"]!;
        Assert.Equal(Withdrawal.DataAbsentReasonUrl, (string?)attachment["extension"]![0]!["url"]);
        Assert.Equal(1 + sideEffects.Count, report.Destinations.Sum(d => d.Withdrawn));
        var stored = await worker.Store.GetDeliveryAsync(Destination, "DocumentReference", $"{(string?)note["identifier"]![0]!["system"]}|{(string?)note["identifier"]![0]!["value"]}", CancellationToken.None);
        Assert.Equal(DeliveryStatus.Withdrawn, stored!.Status);
        Assert.Equal(key, stored.PatientKey);
    }

    private static string Identifier(JsonObject resource) => (string?)resource["identifier"]![0]!["value"] ?? "";

    private static void Arrive(SyncSetup setup, string name, IEnumerable<JsonObject> records) =>
        File.WriteAllText(Path.Combine(setup.Inbox, $"2026-03-20_{name}.ndjson"), ConsentCase.Ndjson(records));
}
