using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Privacy;
using Hl7.Fhir.Model;
using static FhirAdapter.Core.Tests.Privacy.ConsentTestData;

namespace FhirAdapter.Core.Tests.Privacy;

/// <summary>The accounting of disclosures: the AuditEvent and the record the store keeps.</summary>
public sealed class ConsentAccountingTests
{
    private static readonly DisclosureAccounting Accounting = new(Canonicals);
    private static readonly DateTimeOffset SentAt = At("2026-03-10T09:00:05-04:00");

    private static async Task<(PatientBundle Patient, ConsentDecision Decision, List<Resource> Sent)> DisclosedAsync()
    {
        var patient = await MapPatientAsync(null, null, Consent());
        var decision = ConsentDecider.Decide(await ReadAsync(Consent()), "pbpca", DisclosurePurpose.Treatment, Now);
        var sent = new DisclosureFilter(Canonicals).PrepareBundle(patient, decision, SensitivityClassifier.Classify(patient.Bundle)).Entry.Select(e => e.Resource!).ToList();
        return (patient, decision, sent);
    }

    [Fact]
    public async Task A_push_is_recorded_as_an_export_to_the_organization_under_the_consent()
    {
        var (patient, decision, sent) = await DisclosedAsync();

        var audit = Accounting.BuildAuditEvent(patient.PatientKey, "KWC-004821", decision, DisclosureChannel.Push, sent, SentAt);

        Assert.Equal((PrivacyCodes.Dicom, "110106"), (audit.Type.System, audit.Type.Code));
        Assert.Contains(audit.Subtype, c => c.Code == "disclose");
        Assert.Contains(audit.Subtype, c => c.Code == "transaction");
        Assert.Equal(AuditEvent.AuditEventAction.R, audit.Action);
        Assert.Equal(AuditEvent.AuditEventOutcome.N0, audit.Outcome);
        Assert.Equal(SentAt, audit.Recorded);
        Assert.Equal("TREAT", audit.PurposeOfEvent.Single().Coding.Single().Code);

        var source = audit.Agent.Single(a => a.Type!.Coding[0].Code == PrivacyCodes.SourceRole);
        var recipient = audit.Agent.Single(a => a.Type!.Coding[0].Code == PrivacyCodes.DestinationRole);
        Assert.True(source.Requestor);
        Assert.False(recipient.Requestor);
        Assert.Equal((Canonicals.OrganizationSystem, "pbpca"), (recipient.Who!.Identifier!.System, recipient.Who.Identifier.Value));

        var patientEntity = audit.Entity.Single(e => e.Role?.Code == PrivacyCodes.RolePatient);
        Assert.Equal((Canonicals.MrnSystem, "KWC-004821"), (patientEntity.What!.Identifier!.System, patientEntity.What.Identifier.Value));
        var consent = audit.Entity.Single(e => e.Role?.Code == PrivacyCodes.RoleSecurityResource);
        Assert.Equal(("Consent", "CNS-2026-000311"), (consent.What!.Type, consent.What.Identifier!.Value));
        var resources = audit.Entity.Where(e => e.Role?.Code == PrivacyCodes.RoleDomainResource).ToList();
        Assert.Equal(sent.Count, resources.Count);
        Assert.All(resources, e => Assert.NotNull(e.What!.Identifier));
        Assert.Contains(resources, e => e.What!.Type == "Encounter" && e.What.Identifier!.Value == "SES-2026-004410");
    }

    [Fact]
    public async Task A_pull_is_requested_by_the_organization()
    {
        var (patient, decision, sent) = await DisclosedAsync();

        var audit = Accounting.BuildAuditEvent(patient.PatientKey, "KWC-004821", decision, DisclosureChannel.Pull, sent.Take(2), SentAt);

        Assert.Contains(audit.Subtype, c => c.Code == "search");
        Assert.False(audit.Agent.Single(a => a.Type!.Coding[0].Code == PrivacyCodes.SourceRole).Requestor);
        Assert.True(audit.Agent.Single(a => a.Type!.Coding[0].Code == PrivacyCodes.DestinationRole).Requestor);
        Assert.Equal(2, audit.Entity.Count(e => e.Role?.Code == PrivacyCodes.RoleDomainResource));
    }

    [Fact]
    public async Task The_disclosure_record_holds_what_the_store_keeps()
    {
        var (patient, decision, sent) = await DisclosedAsync();

        var record = Accounting.Record(patient.PatientKey, "KWC-004821", decision, DisclosureChannel.Push, sent, SentAt);
        var again = Accounting.Record(patient.PatientKey, "KWC-004821", decision, DisclosureChannel.Push, sent, SentAt);

        Assert.Equal((patient.PatientKey, "pbpca", DisclosurePurpose.Treatment, "CNS-2026-000311", DisclosureChannel.Push, SentAt),
            (record.PatientKey, record.OrganizationId, record.Purpose, record.ConsentRecordId, record.Channel, record.Time));
        Assert.Equal(sent.Count, record.ResourceIds.Count);
        Assert.Contains($"Encounter?identifier={Canonicals.RecordSystem}|SES-2026-004410", record.ResourceIds);
        Assert.Contains(record.ResourceIds, k => k.StartsWith("Provenance?_tag=", StringComparison.Ordinal));
        Assert.Equal(again.Id, record.Id); // a retried write does not count the disclosure twice
        Assert.DoesNotContain("KWC-", record.Id, StringComparison.Ordinal);
        var parsed = FhirJson.Parse<AuditEvent>(record.AuditEventJson);
        Assert.Equal(record.Id, parsed.Id);
        Assert.Equal("110106", parsed.Type.Code);
    }

    [Fact]
    public async Task A_resource_with_a_server_id_is_listed_by_it()
    {
        var (_, _, sent) = await DisclosedAsync();
        var encounter = (Encounter)sent.OfType<Encounter>().Single().DeepCopy();
        encounter.Id = "e1";

        Assert.Equal("Encounter/e1", DisclosureAccounting.ResourceKey(encounter));
    }

    [Fact]
    public void A_Deny_decision_has_nothing_to_account_for()
    {
        var deny = ConsentDecider.Decide([], "pbpca", DisclosurePurpose.Treatment, Now);

        Assert.Throws<InvalidOperationException>(() => Accounting.BuildAuditEvent("p-1", "KWC-004821", deny, DisclosureChannel.Push, [], SentAt));
    }
}
