using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FhirAdapter.Exchange.Sending;
using FhirAdapter.Worker.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FhirAdapter.Worker.Tests.Delivery;

/// <summary>
/// A withdrawal (a resource sent earlier that the mapping no longer produces) takes the resource back without carrying
/// content the destination was not already given: its last mapping may hold what the consent now excludes.
/// </summary>
public sealed class WithdrawalTests
{
    /// <summary>
    /// From the disclosure review (round 3, finding 4). consent.md: SUD counseling notes go only under a consent of their
    /// own, and "dataScope: exclude-counseling-notes keeps session notes out". A note sent while released, then excluded
    /// by the disclosure consent's next version, then edited, then removed from the session: the withdrawal must not
    /// carry the edited text, which the patient never let go.
    /// </summary>
    [Fact]
    public async Task Withdrawing_a_note_sent_earlier_never_sends_note_text_the_consent_now_excludes()
    {
        var @case = ConsentCases.Get(ConsentCases.GuardianSigned);
        using var setup = new SyncSetup("http://127.0.0.1:9/fhir", ConsentCases.Organization);
        setup.KeepOnly("2026-01-05_forms.json");
        var time = new FakeTimeProvider(ConsentCases.Now);
        var sender = new AcceptingSender();
        await using var worker = new InProcessWorker(setup.Configuration, time, s => s.AddSingleton<IBundleSender>(sender));
        const string Edited = "EDITED AFTER THE EXCLUSION: not for the EHR";
        var notesSent = new ConcurrentQueue<string>();
        sender.BeforeAnswer = bundle =>
        {
            foreach (var document in bundle.Bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.DocumentReference>())
            {
                notesSent.Enqueue(System.Text.Encoding.UTF8.GetString(document.Content.Single().Attachment.Data ?? []));
            }

            return Task.CompletedTask;
        };

        JsonObject Copy(JsonObject r) => JsonNode.Parse(r.ToJsonString())!.AsObject();
        var session = @case.Records.Single(r => (string?)r["recordType"] == "session");
        var disclosure = @case.Records.Single(r => (string?)r["recordType"] == "consent" && (string?)r["consentType"] == "disclosure");

        Arrive(setup, "1-case", @case.Records);
        await worker.Runner.RunOnceAsync(CancellationToken.None);
        Assert.Single(notesSent); // released: the note went

        Arrive(setup, "2-exclude-and-edit", [
            Copy(disclosure).With("dataScope", "exclude-counseling-notes").With("updatedAt", "2026-03-20T06:00:00-04:00"),
            Copy(session).With("notes", Edited).With("updatedAt", "2026-03-20T06:05:00-04:00")]);
        time.Advance(TimeSpan.FromMinutes(10));
        await worker.Runner.RunOnceAsync(CancellationToken.None);
        Assert.Single(notesSent); // excluded: withheld

        Arrive(setup, "3-notes-removed", [Copy(session).Without("notes").With("updatedAt", "2026-03-20T06:10:00-04:00")]);
        time.Advance(TimeSpan.FromMinutes(10));
        await worker.Runner.RunOnceAsync(CancellationToken.None);

        Assert.DoesNotContain(notesSent, text => text.Contains(Edited, StringComparison.Ordinal));
    }

    private static void Arrive(SyncSetup setup, string name, IEnumerable<JsonObject> records) =>
        File.WriteAllText(Path.Combine(setup.Inbox, $"2026-03-20_{name}.ndjson"), ConsentCase.Ndjson(records));
}
