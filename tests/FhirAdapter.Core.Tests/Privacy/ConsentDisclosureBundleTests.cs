using System.Text.Json.Nodes;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Core.Tests.Support;
using Hl7.Fhir.Model;
using static FhirAdapter.Core.Tests.Privacy.ConsentTestData;
using static FhirAdapter.Testing.RecordJson;

namespace FhirAdapter.Core.Tests.Privacy;

/// <summary>What leaves for a permitted organization: withholding, labels, the notice and the consent reference.</summary>
public sealed class ConsentDisclosureBundleTests
{
    private static readonly DisclosureFilter Filter = new(Canonicals);

    private static async Task<(PatientBundle Patient, ConsentDecision Decision)> PermittedAsync(JsonObject? intake = null, JsonObject? session = null, params JsonObject[] consents)
    {
        consents = consents.Length == 0 ? [Consent()] : consents;
        var patient = await MapPatientAsync(intake, session, consents);
        var decision = ConsentDecider.Decide(await ReadAsync(consents), "pbpca", DisclosurePurpose.Treatment, Now);
        Assert.True(decision.IsPermitted);
        return (patient, decision);
    }

    /// <summary>What delivery does: the patient classified from the whole Bundle, then the Bundle prepared.</summary>
    private static Bundle Prepare(PatientBundle patient, ConsentDecision decision) =>
        Filter.PrepareBundle(patient, decision, SensitivityClassifier.Classify(patient.Bundle));

    private static IEnumerable<Resource> Resources(Bundle bundle) => bundle.Entry.Select(e => e.Resource).OfType<Resource>();

    private static bool IsNote(Resource r) => DisclosureFilter.IsCounselingNote(r);

    private static Provenance Notice(Bundle bundle) =>
        Resources(bundle).OfType<Provenance>().Single(p => p.Policy.Contains(PrivacyCodes.RedisclosureNoticePolicy));

    [Fact]
    public async Task Exclude_counseling_notes_withholds_the_session_note_and_discloses_the_rest()
    {
        var (patient, decision) = await PermittedAsync();
        Assert.Contains(Resources(patient.Bundle), IsNote);

        var bundle = Prepare(patient, decision);

        Assert.DoesNotContain(Resources(bundle), IsNote);
        var sent = Resources(bundle).Select(r => r.TypeName).ToList();
        Assert.Contains("Patient", sent);
        Assert.Contains("Encounter", sent);
        Assert.Contains("MedicationAdministration", sent);
        Assert.Contains("Consent", sent);
        Assert.Equal(patient.Bundle.Entry.Count, bundle.Entry.Count); // one note out, the notice in
        Assert.Equal(Bundle.BundleType.Transaction, bundle.Type);
    }

    [Fact]
    public async Task Notes_go_when_their_own_consent_releases_them()
    {
        var notesConsent = Consent("CNS-2026-000400").With("consentType", "counseling-notes").With("dataScope", "all");
        var (patient, decision) = await PermittedAsync(null, null, Consent().With("dataScope", "all"), notesConsent);

        var bundle = Prepare(patient, decision);

        Assert.Contains(Resources(bundle), IsNote);
        Assert.Equal(2, Notice(bundle).Entity.Count);
    }

    [Fact]
    public async Task Nothing_left_in_the_Bundle_points_at_what_was_withheld()
    {
        var other = Consent("CNS-2026-000400").With("recipients", Recipients("sfh"));
        var (patient, decision) = await PermittedAsync(null, null, Consent(), other);

        var bundle = Prepare(patient, decision);

        var fullUrls = bundle.Entry.Select(e => e.FullUrl).ToHashSet(StringComparer.Ordinal);
        var local = Resources(bundle).SelectMany(FhirElements.Descendants).OfType<ResourceReference>()
            .Select(r => r.Reference).OfType<string>().Where(r => r.StartsWith("urn:uuid:", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(local);
        Assert.All(local, r => Assert.Contains(r, fullUrls));
    }

    [Fact]
    public async Task Consents_naming_other_organizations_stay_home()
    {
        var sfh = Consent("CNS-2026-000400").With("recipients", Recipients("sfh"));
        var treatment = Consent("CNS-2026-000401").With("consentType", "treatment").Without("dataScope").Without("purposes").Without("recipients")
            .With("educationTopics", Array("dissociation"));
        var (patient, decision) = await PermittedAsync(null, null, Consent(), sfh, treatment);

        var bundle = Prepare(patient, decision);

        var consents = Resources(bundle).OfType<Hl7.Fhir.Model.Consent>().Select(c => c.Identifier.Single().Value).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["CNS-2026-000311", "CNS-2026-000401"], consents); // the permitting one and the informed consent to treatment
        var mapping = Resources(bundle).OfType<Provenance>().Single(p => !p.Policy.Contains(PrivacyCodes.RedisclosureNoticePolicy));
        Assert.DoesNotContain(mapping.Entity, e => e.What?.Identifier?.Value == "CNS-2026-000400");
    }

    [Fact]
    public async Task Every_resource_and_the_Bundle_carry_the_four_labels()
    {
        var (patient, decision) = await PermittedAsync();

        var bundle = Prepare(patient, decision);

        Assert.All(Resources(bundle), r => Assert.True(SecurityLabels.HasAll(r, PatientSensitivity.Sud), r.TypeName));
        Assert.True(SecurityLabels.HasAll(bundle, PatientSensitivity.Sud));
        var codes = Resources(bundle).First().Meta!.Security.Select(c => (c.System, c.Code)).ToList();
        Assert.Equal(
            [(PrivacyCodes.V3Confidentiality, "R"), (PrivacyCodes.V3ActCode, "SUD"), (PrivacyCodes.V3ActCode, "42CFRPart2"), (PrivacyCodes.V3ActCode, "NORDSCLCD")],
            codes);
        Assert.Single(Resources(bundle).First().Meta!.Security, c => c.System == PrivacyCodes.V3Confidentiality);
    }

    [Fact]
    public async Task The_patients_own_Bundle_is_left_unchanged()
    {
        var (patient, decision) = await PermittedAsync();
        var before = FhirJson.Serialize(patient.Bundle);

        Prepare(patient, decision);

        Assert.Equal(before, FhirJson.Serialize(patient.Bundle));
    }

    [Fact]
    public async Task A_patient_with_an_SUD_diagnosis_or_treatment_is_SUD_otherwise_PSY()
    {
        var noSud = RecordJson.Example("intake")
            .With("conditions", new JsonArray(new JsonObject { ["icd10cm"] = "F33.2", ["clinicalStatus"] = "active" }, new JsonObject { ["icd10cm"] = "F17.210" }))
            .With("priorTreatments", Array("ssri", "cbt"));
        var sudInRemission = noSud.With("conditions", new JsonArray(new JsonObject { ["icd10cm"] = "F11.20", ["clinicalStatus"] = "remission" }));
        var mat = noSud.With("priorTreatments", Array("mat-buprenorphine"));
        var sudIndication = RecordJson.Example("session").With("indication", "F14.20");

        Assert.Equal(PatientSensitivity.Sud, SensitivityClassifier.Classify((await MapPatientAsync(null, null, Consent())).Bundle)); // F10.20, twelve-step
        Assert.Equal(PatientSensitivity.Psy, SensitivityClassifier.Classify((await MapPatientAsync(noSud, null, Consent())).Bundle)); // F17 nicotine is not an SUD
        Assert.Equal(PatientSensitivity.Sud, SensitivityClassifier.Classify((await MapPatientAsync(sudInRemission, null, Consent())).Bundle));
        Assert.Equal(PatientSensitivity.Sud, SensitivityClassifier.Classify((await MapPatientAsync(mat, null, Consent())).Bundle));
        Assert.Equal(PatientSensitivity.Sud, SensitivityClassifier.Classify((await MapPatientAsync(noSud, sudIndication, Consent())).Bundle));
    }

    [Fact]
    public async Task A_PSY_patients_Bundle_is_labelled_PSY()
    {
        var noSud = RecordJson.Example("intake")
            .With("conditions", new JsonArray(new JsonObject { ["icd10cm"] = "F33.2", ["clinicalStatus"] = "active" }))
            .With("priorTreatments", Array("ssri"));
        var (patient, decision) = await PermittedAsync(noSud);

        var bundle = Prepare(patient, decision);

        Assert.All(Resources(bundle), r => Assert.True(SecurityLabels.HasAll(r, PatientSensitivity.Psy), r.TypeName));
        Assert.DoesNotContain(Resources(bundle).SelectMany(r => r.Meta!.Security), c => c.Code == "SUD");
    }

    [Fact]
    public async Task A_shared_Practitioner_carries_the_same_labels_for_an_SUD_and_a_PSY_patient()
    {
        var noSud = RecordJson.Example("intake")
            .With("conditions", new JsonArray(new JsonObject { ["icd10cm"] = "F33.2", ["clinicalStatus"] = "active" }))
            .With("priorTreatments", Array("ssri"));
        var (sud, sudDecision) = await PermittedAsync();
        var (psy, psyDecision) = await PermittedAsync(noSud);

        var fromSud = Resources(Prepare(sud, sudDecision)).OfType<Practitioner>().ToList();
        var fromPsy = Resources(Prepare(psy, psyDecision)).OfType<Practitioner>().ToList();

        Assert.NotEmpty(fromSud);
        Assert.Equal(FhirJson.Serialize(fromSud[0]), FhirJson.Serialize(fromPsy.Single(p => p.Identifier[0].Value == fromSud[0].Identifier[0].Value)));
        Assert.Equal(
            [(PrivacyCodes.V3Confidentiality, "R"), (PrivacyCodes.V3ActCode, "42CFRPart2"), (PrivacyCodes.V3ActCode, "NORDSCLCD")],
            fromSud[0].Meta!.Security.Select(c => (c.System, c.Code)));
    }

    [Fact]
    public async Task The_Bundle_carries_the_redisclosure_notice_and_the_permitting_consent()
    {
        var (patient, decision) = await PermittedAsync();

        var bundle = Prepare(patient, decision);

        var entry = bundle.Entry.Single(e => e.Resource is Provenance p && p.Policy.Contains(PrivacyCodes.RedisclosureNoticePolicy));
        var notice = (Provenance)entry.Resource!;
        Assert.Contains(RedisclosureNotice.Text, notice.Text!.Div, StringComparison.Ordinal);
        Assert.Contains("42 CFR 2.64 or 2.65", RedisclosureNotice.Text, StringComparison.Ordinal);
        var consentEntry = bundle.Entry.Single(e => e.Resource is Hl7.Fhir.Model.Consent);
        var consent = Assert.Single(notice.Entity);
        Assert.Equal(consentEntry.FullUrl, consent.What!.Reference);
        Assert.Equal("CNS-2026-000311", consent.What.Identifier!.Value);
        Assert.Equal("TREAT", notice.Reason.Single().Coding.Single().Code);
        Assert.Equal(Now, notice.Recorded);
        Assert.Equal(bundle.Entry.Count - 1, notice.Target.Count);
        Assert.Equal(Bundle.HTTPVerb.PUT, entry.Request!.Method);
        Assert.Equal($"Provenance?_tag={Canonicals.RecordSystem}|{patient.PatientKey}.disclosure.pbpca", entry.Request.Url);
    }

    [Fact]
    public async Task A_Deny_decision_prepares_nothing()
    {
        var patient = await MapPatientAsync(null, null, Consent());
        var deny = ConsentDecider.Decide([], "pbpca", DisclosurePurpose.Treatment, Now);

        Assert.Throws<InvalidOperationException>(() => Prepare(patient, deny));
        Assert.All(Resources(patient.Bundle), r => Assert.True(Filter.IsWithheld(r, deny)));
    }

    [Fact]
    public async Task A_decision_for_another_patients_consent_prepares_nothing()
    {
        var (_, decision) = await PermittedAsync();
        var otherPatient = await MapPatientAsync(null, null, Consent("CNS-2026-000999"));

        Assert.Throws<InvalidOperationException>(() => Prepare(otherPatient, decision));
    }

    [Fact]
    public async Task Data_held_back_for_want_of_consent_goes_once_the_consent_arrives()
    {
        var before = await MapPatientAsync();
        Assert.False(ConsentDecider.Decide([], "pbpca", DisclosurePurpose.Treatment, Now).IsPermitted);
        Assert.Empty(Resources(before.Bundle).OfType<Hl7.Fhir.Model.Consent>());

        var (after, decision) = await PermittedAsync();
        var bundle = Prepare(after, decision);

        Assert.Contains(Resources(bundle), r => r is Encounter);
        Assert.Contains(Resources(bundle), r => r is Hl7.Fhir.Model.Consent);
    }

    [Fact]
    public async Task The_pull_API_gets_the_same_labels_and_withholding()
    {
        var (patient, decision) = await PermittedAsync();
        var sensitivity = SensitivityClassifier.Classify(patient.Bundle);
        var note = Resources(patient.Bundle).Single(IsNote);
        var encounter = Resources(patient.Bundle).OfType<Encounter>().Single();

        Assert.Null(Filter.FilterResource(note, decision, sensitivity));
        var read = Filter.FilterResource(encounter, decision, sensitivity);
        Assert.NotNull(read);
        Assert.True(SecurityLabels.HasAll(read, PatientSensitivity.Sud));
        Assert.Empty(encounter.Meta?.Security ?? []);

        var searchSet = new Bundle
        {
            Type = Bundle.BundleType.Searchset,
            Total = 2,
            Entry =
            [
                new Bundle.EntryComponent { FullUrl = "https://adapter.example/fhir/Encounter/e1", Resource = WithId(encounter, "e1"), Search = new() { Mode = Bundle.SearchEntryMode.Match } },
                new Bundle.EntryComponent { FullUrl = "https://adapter.example/fhir/DocumentReference/d1", Resource = WithId(note, "d1"), Search = new() { Mode = Bundle.SearchEntryMode.Match } },
            ],
        };
        var filtered = Filter.FilterSearchSet(searchSet, decision, sensitivity);

        Assert.Null(filtered.Total);
        Assert.DoesNotContain(Resources(filtered), IsNote);
        Assert.All(Resources(filtered), r => Assert.True(SecurityLabels.HasAll(r, PatientSensitivity.Sud)));
        var notice = Notice(filtered);
        Assert.Equal("https://adapter.example/fhir/Encounter/e1", notice.Target.Single().Reference);
        Assert.Equal("CNS-2026-000311", notice.Entity.Single().What!.Identifier!.Value);
        Assert.Equal(Bundle.SearchEntryMode.Include, filtered.Entry.Last().Search!.Mode);
        Assert.Equal(2, searchSet.Entry.Count);
    }

    private static Resource WithId(Resource resource, string id)
    {
        var copy = resource.DeepCopy();
        copy.Id = id;
        return copy;
    }

}
