using FhirAdapter.Core.Tests.Support;
using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Tests.Mapping;

public sealed class RecordMapperTests
{
    [Fact]
    public async Task Sessions_and_consents_wait_for_their_patients_intake()
    {
        var result = await Map.RecordsAsync(RecordJson.Example("form"), RecordJson.Example("consent"), RecordJson.Example("session"));

        Assert.Empty(result.Patients);
        Assert.Equal(["CNS-2026-000311", "SES-2026-004410"], result.Held.Select(h => h.Record.RecordId).Order());
        Assert.All(result.Held, h => Assert.Equal("its patient's intake", h.WaitingFor));
    }

    [Fact]
    public async Task An_intake_waits_for_its_form_version()
    {
        var result = await Map.RecordsAsync(RecordJson.Example("intake").With("form.version", "9"));

        Assert.Equal("form intake version 9", Assert.Single(result.Held).WaitingFor);
    }

    [Fact]
    public async Task Held_records_are_mapped_once_what_they_wait_for_arrives()
    {
        var result = await Map.RecordsAsync(RecordJson.Example("consent"), RecordJson.Example("session"), RecordJson.Example("form"), RecordJson.Example("intake"));

        Assert.Empty(result.Held);
        Assert.Single(result.All<Consent>());
        Assert.Single(result.All<Encounter>());
    }

    [Fact]
    public async Task An_entered_in_error_record_updates_the_same_resources_to_that_status()
    {
        var active = await Map.ExamplesAsync();
        var withdrawn = await Map.RecordsAsync(RecordJson.Example("form"), RecordJson.Example("intake"), RecordJson.Example("consent"),
            RecordJson.Example("session").With("status", "entered-in-error").With("updatedAt", "2026-03-10T09:00:00-05:00"));

        string UrlOf<T>(Hl7.Fhir.Model.Bundle b) where T : Resource => b.Entry.Single(e => e.Resource is T).Request!.Url!;
        var before = active.Patients.Single().Bundle;
        var after = withdrawn.Patients.Single().Bundle;
        Assert.Equal(UrlOf<Encounter>(before), UrlOf<Encounter>(after));
        Assert.Equal(Encounter.EncounterStatus.EnteredInError, withdrawn.All<Encounter>().Single().Status);
        Assert.Equal(MedicationAdministration.MedicationAdministrationStatusCodes.EnteredInError, withdrawn.All<MedicationAdministration>().Single().Status);
        Assert.All(withdrawn.All<Observation>().Where(o => o.Encounter is not null), o => Assert.Equal(ObservationStatus.EnteredInError, o.Status));
        Assert.Equal(before.Entry.Count, after.Entry.Count);
    }

    [Fact]
    public async Task The_provenance_names_every_source_record_and_its_version()
    {
        var provenance = (await Map.ExamplesAsync()).All<Provenance>().Single();

        Assert.Equal(["CNS-2026-000311", "INT-2026-000123", "SES-2026-004410"], provenance.Entity.Select(e => e.What!.Identifier!.Value));
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 12, 40, 0, TimeSpan.FromHours(-5)), provenance.Recorded);
    }

    [Fact]
    public async Task Two_records_defining_one_form_version_use_the_newer_and_reject_the_other()
    {
        var older = RecordJson.Example("form").With("recordId", "FORM-intake-3-copy").With("updatedAt", "2026-01-01T09:00:00-05:00");

        var result = await Map.RecordsAsync(RecordJson.Example("form"), older, RecordJson.Example("intake"));

        var error = Assert.Single(result.Rejected);
        Assert.Equal(("FORM-intake-3-copy", "formId"), (error.RecordId, error.Field));
        Assert.Contains("also defined by record FORM-intake-3", error.Message, StringComparison.Ordinal);
        Assert.Single(result.Questionnaires!.Entry);
        Assert.Single(result.Patients);
    }
}
