using FhirAdapter.Core.Tests.Support;
using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Tests.Mapping;

public sealed class ConsentMapperTests
{
    private static async Task<Consent> MapConsent(System.Text.Json.Nodes.JsonObject consent) =>
        (await Map.RecordsAsync(RecordJson.Example("form"), RecordJson.Example("intake"), consent)).All<Consent>().Single();

    [Fact]
    public async Task A_disclosure_consent_is_a_Part_2_privacy_consent_naming_its_recipients()
    {
        var consent = await MapConsent(RecordJson.Example("consent"));

        Assert.Equal(Consent.ConsentState.Active, consent.Status);
        Assert.Equal("patient-privacy", consent.Scope!.Coding[0].Code);
        Assert.Equal("64292-6", consent.Category.Single().Coding[0].Code);
        Assert.Equal("42CFRPart2", consent.PolicyRule!.Coding[0].Code);
        var actor = consent.Provision!.Actor.Single();
        Assert.Equal(("IRCP", "pbpca"), (actor.Role!.Coding[0].Code, actor.Reference!.Identifier!.Value));
        Assert.Equal("TREAT", consent.Provision.Purpose.Single().Code);
        Assert.Equal(("2026-03-02T14:18:40-05:00", "2027-03-02"), (consent.Provision.Period!.Start, consent.Provision.Period.End));
        Assert.Equal(Consent.ConsentProvisionType.Deny, consent.Provision.Provision.Single().Type);
        Assert.Equal("counseling-notes", consent.Provision.Provision.Single().Class.Single().Code);
        Assert.Equal("https://docs.example-clinic.test/consents/CNS-2026-000311.pdf", ((Attachment)consent.Source).Url);
    }

    [Theory]
    [InlineData("revoked", Consent.ConsentState.Inactive)]
    [InlineData("declined", Consent.ConsentState.Rejected)]
    public async Task Revoked_and_declined_consents_are_not_active(string state, Consent.ConsentState status)
    {
        var consent = await MapConsent(RecordJson.Example("consent").With("state", state).With("revokedAt", state == "revoked" ? "2026-04-01T09:00:00-04:00" : null));

        Assert.Equal(status, consent.Status);
        if (state == "revoked")
        {
            Assert.Equal("2026-04-01T09:00:00-04:00", consent.Provision!.Period!.End);
        }
    }

    [Fact]
    public async Task A_guardian_signature_is_a_contained_related_person()
    {
        var consent = await MapConsent(RecordJson.Example("consent").With("signedBy", "guardian"));
        var guardian = (RelatedPerson)consent.Contained.Single();

        Assert.Equal("#signer", consent.Performer.Single().Reference);
        Assert.Equal("GUARD", guardian.Relationship.Single().Coding[0].Code);
    }

    [Fact]
    public async Task A_treatment_consent_is_informed_consent_with_its_education_topics()
    {
        var record = RecordJson.Example("consent").With("consentType", "treatment").Without("recipients").Without("purposes").Without("dataScope")
            .With("educationTopics", new System.Text.Json.Nodes.JsonArray("dissociation", "no-driving-24h"));

        var consent = await MapConsent(record);

        Assert.Equal("treatment", consent.Scope!.Coding[0].Code);
        Assert.Equal("59284-0", consent.Category.Single().Coding[0].Code);
        Assert.Null(consent.PolicyRule);
        Assert.Equal("https://fhir.kwc.example/policy/treatment", consent.Policy.Single().Uri);
        Assert.Equal(2, consent.Extension.Count(e => e.Url.EndsWith("education-topic", StringComparison.Ordinal)));
    }
}
