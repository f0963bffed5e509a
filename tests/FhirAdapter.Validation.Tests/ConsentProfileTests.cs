using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.Tests;

[Collection(ValidatorCollection.Name)]
public sealed class ConsentProfileTests(ValidatorFixture fixture)
{
    private OperationOutcome Validate(Resource resource) => fixture.Validator.Validate(resource);

    [Fact]
    public void A_treatment_consent_has_scope_treatment()
    {
        var consent = Samples.TreatmentConsent();
        consent.Scope = Samples.Concept("http://terminology.hl7.org/CodeSystem/consentscope", "research");

        OutcomeAssert.HasError(Validate(consent), "Consent.scope", "treatment");
    }

    [Fact]
    public void A_treatment_consent_has_category_59284_0()
    {
        var consent = Samples.TreatmentConsent();
        consent.Category = [Samples.Concept(Samples.Loinc, "64292-6")];

        OutcomeAssert.HasError(Validate(consent), "Consent.category", "59284-0");
    }

    [Fact]
    public void A_treatment_consent_names_its_policy()
    {
        var consent = Samples.TreatmentConsent();
        consent.Policy.Clear();

        OutcomeAssert.HasError(Validate(consent), "policy");
    }

    [Fact]
    public void A_consent_states_its_signature_method()
    {
        var consent = Samples.TreatmentConsent();
        consent.Extension.RemoveAll(e => e.Url.EndsWith("signature-method", StringComparison.Ordinal));

        OutcomeAssert.HasError(Validate(consent), "signatureMethod");
    }

    [Fact]
    public void The_signature_method_is_electronic_or_paper()
    {
        var consent = Samples.TreatmentConsent();
        consent.Extension[0].Value = new Code("fax");

        OutcomeAssert.HasError(Validate(consent), "'fax'", "kwc-signature-method");
    }

    [Fact]
    public void Education_topics_come_from_the_clinic_list()
    {
        var consent = Samples.TreatmentConsent();
        consent.Extension[1].Value = new Coding(Samples.CodeSystem("kwc-education-topic"), "astrology");

        OutcomeAssert.HasError(Validate(consent), "'astrology'", "kwc-education-topic");
    }

    [Fact]
    public void The_document_hash_is_a_sha256()
    {
        var consent = Samples.TreatmentConsent();
        ((Attachment)consent.Source).Extension[0].Value = new FhirString("not-a-hash");

        OutcomeAssert.HasError(Validate(consent), "kwc-sha-1");
    }

    [Fact]
    public void A_disclosure_consent_names_a_recipient()
    {
        var consent = Samples.DisclosureConsent();
        consent.Provision.Actor[0].Role = Samples.Concept(Samples.V3ParticipationType, "PPRF");

        OutcomeAssert.HasError(Validate(consent), "kwc-p2-1");
    }

    [Fact]
    public void A_disclosure_consent_without_actors_fails_on_the_recipient_rule()
    {
        var consent = Samples.DisclosureConsent();
        consent.Provision.Actor.Clear();

        var outcome = Validate(consent);

        OutcomeAssert.HasError(outcome, "kwc-p2-1");
        OutcomeAssert.HasError(outcome, "actor");
    }

    [Fact]
    public void A_disclosure_consent_carries_the_Part_2_policy_rule()
    {
        var consent = Samples.DisclosureConsent();
        consent.PolicyRule = null;
        consent.Policy = [new Consent.PolicyComponent { Uri = Samples.Pkg + "/policy/disclosure" }];

        var outcome = Validate(consent);

        OutcomeAssert.HasError(outcome, "kwc-p2-2");
        OutcomeAssert.HasError(outcome, "policyRule");
    }

    [Fact]
    public void A_disclosure_consent_with_another_policy_rule_fails()
    {
        var consent = Samples.DisclosureConsent();
        consent.PolicyRule = Samples.Concept(Samples.V3ActCode, "HIPAAConsentCD");

        OutcomeAssert.HasError(Validate(consent), "kwc-p2-2");
    }

    [Fact]
    public void A_disclosure_consent_has_scope_patient_privacy()
    {
        var consent = Samples.DisclosureConsent();
        consent.Scope = Samples.Concept("http://terminology.hl7.org/CodeSystem/consentscope", "treatment");

        OutcomeAssert.HasError(Validate(consent), "Consent.scope", "patient-privacy");
    }

    [Fact]
    public void A_disclosure_consent_has_category_64292_6()
    {
        var consent = Samples.DisclosureConsent();
        consent.Category = [Samples.Concept(Samples.Loinc, "59284-0")];

        OutcomeAssert.HasError(Validate(consent), "Consent.category", "64292-6");
    }

    [Fact]
    public void A_disclosure_consent_permits()
    {
        var consent = Samples.DisclosureConsent();
        consent.Provision.Type = Consent.ConsentProvisionType.Deny;

        OutcomeAssert.HasError(Validate(consent), "kwc-p2-3");
    }

    [Fact]
    public void A_declined_disclosure_consent_may_deny()
    {
        var consent = Samples.DisclosureConsent();
        consent.Status = Consent.ConsentState.Rejected;
        consent.Provision.Type = Consent.ConsentProvisionType.Deny;

        OutcomeAssert.Valid(Validate(consent));
    }

    [Fact]
    public void A_disclosure_consent_permits_disclosure()
    {
        var consent = Samples.DisclosureConsent();
        consent.Provision.Action = [Samples.Concept("http://terminology.hl7.org/CodeSystem/consentaction", "access")];

        OutcomeAssert.HasError(Validate(consent), "Consent.provision", "disclose");
    }

    [Fact]
    public void Disclosure_purposes_are_treatment_payment_or_operations()
    {
        var consent = Samples.DisclosureConsent();
        consent.Provision.Purpose = [new Coding("http://terminology.hl7.org/CodeSystem/v3-ActReason", "HMARKT")];

        OutcomeAssert.HasError(Validate(consent), "'HMARKT'", "kwc-disclosure-purpose");
    }

    [Fact]
    public void The_excluded_data_class_is_a_clinic_data_class()
    {
        var consent = Samples.DisclosureConsent();
        consent.Provision.Provision[0].Class = [new Coding(Samples.CodeSystem("kwc-data-class"), "psychotherapy-notes")];

        OutcomeAssert.HasError(Validate(consent), "'psychotherapy-notes'", "kwc-data-class");
    }
}
