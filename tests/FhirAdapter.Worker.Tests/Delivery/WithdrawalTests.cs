using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Validation;
using Hl7.Fhir.Model;
using FhirAdapter.Worker.Tests.Support;

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
        await using var clinic = new AcceptingClinic();
        var (_, time, sender, worker) = (clinic.Setup, clinic.Time, clinic.Sender, clinic.Worker);
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

        clinic.Arrive("1-case", @case.Records);
        await worker.Runner.RunOnceAsync(CancellationToken.None);
        Assert.Single(notesSent); // released: the note went

        clinic.Arrive("2-exclude-and-edit", [
            Copy(disclosure).With("dataScope", "exclude-counseling-notes").With("updatedAt", "2026-03-20T06:00:00-04:00"),
            Copy(session).With("notes", Edited).With("updatedAt", "2026-03-20T06:05:00-04:00")]);
        time.Advance(TimeSpan.FromMinutes(10));
        await worker.Runner.RunOnceAsync(CancellationToken.None);
        Assert.Single(notesSent); // excluded: withheld

        clinic.Arrive("3-notes-removed", [Copy(session).Without("notes").With("updatedAt", "2026-03-20T06:10:00-04:00")]);
        time.Advance(TimeSpan.FromMinutes(10));
        await worker.Runner.RunOnceAsync(CancellationToken.None);

        Assert.DoesNotContain(notesSent, text => text.Contains(Edited, StringComparison.Ordinal));
    }

    /// <summary>
    /// Every resource of every golden mapping (samples/expected) is withdrawn as the delivery would: what is written carries
    /// only the identifier, the entered-in-error status, the patient reference, the labels and the elements base R4
    /// requires (with no content), and it is valid against base R4; a type with no such status is deleted instead.
    /// </summary>
    [Fact]
    public void Every_type_the_mapper_withdraws_is_written_back_with_nothing_of_its_content_and_is_valid_R4()
    {
        // The elements a withdrawal may carry, by type (beyond resourceType and meta.security).
        var allowed = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["Observation"] = ["identifier", "status", "subject", "code"],
            ["Encounter"] = ["identifier", "status", "subject", "class"],
            ["EpisodeOfCare"] = ["identifier", "status", "patient"],
            ["MedicationAdministration"] = ["identifier", "status", "subject", "medicationCodeableConcept", "effectivePeriod"],
            ["MedicationStatement"] = ["identifier", "status", "subject", "medicationCodeableConcept"],
            ["QuestionnaireResponse"] = ["identifier", "status", "subject"],
            ["DocumentReference"] = ["identifier", "status", "subject", "content"],
            ["ServiceRequest"] = ["identifier", "status", "intent", "subject"],
            ["RiskAssessment"] = ["identifier", "status", "subject"],
            ["Flag"] = ["identifier", "status", "subject", "code"],
            ["Consent"] = ["identifier", "status", "scope", "category", "policyRule", "policy", "patient"],
            ["Condition"] = ["identifier", "verificationStatus", "subject"],
            ["AllergyIntolerance"] = ["identifier", "verificationStatus", "patient"],
        };
        var resources = Directory.EnumerateFiles(RepoPaths.Expected, "*.json")
            .SelectMany(f => FhirJson.Parse<Bundle>(File.ReadAllText(f)).Entry.Select(e => e.Resource!)).ToList();
        Assert.NotEmpty(resources);

        var written = new Dictionary<string, Resource>(StringComparer.Ordinal);
        var deleted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var resource in resources)
        {
            if (Withdrawal.EnteredInError(resource) is not { } withdrawn)
            {
                deleted.Add(resource.TypeName);
                continue;
            }

            Assert.Equal(resource.TypeName, withdrawn.TypeName);
            var json = JsonNode.Parse(FhirJson.Serialize(withdrawn, pretty: false))!.AsObject();
            var extra = json.Select(p => p.Key).Except(["resourceType", "meta", .. allowed[withdrawn.TypeName]]).ToList();
            Assert.True(extra.Count == 0, $"{withdrawn.TypeName} withdrawn with {string.Join(", ", extra)}");
            Assert.True(json["meta"] is null || json["meta"]!.AsObject().All(p => p.Key == "security"), $"{withdrawn.TypeName}: {json["meta"]}");
            Assert.Equal(Identity(resource), Identity(withdrawn));
            Assert.DoesNotContain("\"text\"", json.ToJsonString(), StringComparison.Ordinal);
            Assert.DoesNotContain("\"display\"", json.ToJsonString(), StringComparison.Ordinal);

            // One of each shape is validated (the identifiers and the patient aside, withdrawals of one type are alike).
            json.Remove("identifier");
            json.Remove("subject");
            json.Remove("patient");
            written.TryAdd(json.ToJsonString(), withdrawn);
        }

        Assert.Equal(allowed.Keys.Order(), written.Values.Select(r => r.TypeName).Distinct().Order());
        Assert.Equal(["AdverseEvent", "Patient", "Practitioner", "Provenance", "Questionnaire"], deleted.Order());

        var validator = new FhirResourceValidator(new FhirValidationOptions { WarmUp = false, FastPath = false });
        foreach (var withdrawn in written.Values)
        {
            var errors = validator.Validate(withdrawn).Issue
                .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal).ToList();
            Assert.True(errors.Count == 0,
                $"{withdrawn.TypeName}: {string.Join("; ", errors.Select(i => $"{string.Join(",", i.Expression)} {i.Details?.Text}"))}");
        }

        // The note's text is not in what takes it back: one attachment with no data.
        var note = written.Values.OfType<DocumentReference>().First();
        var attachment = Assert.Single(note.Content).Attachment;
        Assert.Null(attachment.Data);
        Assert.Null(attachment.Url);
    }

    /// <summary>A resource's identifiers as system|value (QuestionnaireResponse has one, the others a list).</summary>
    private static string Identity(Resource resource)
    {
        var identifier = JsonNode.Parse(FhirJson.Serialize(resource, pretty: false))!["identifier"];
        var all = identifier is JsonArray list ? list.Select(i => i!) : identifier is null ? [] : [identifier];
        return string.Join(",", all.Select(i => $"{(string?)i["system"]}|{(string?)i["value"]}"));
    }

}
