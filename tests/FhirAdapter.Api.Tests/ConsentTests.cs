using System.Net;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Store.Search;
using Hl7.Fhir.Model;

namespace FhirAdapter.Api.Tests;

/// <summary>An organization no consent names sees nothing, anywhere, and nothing is accounted for it.</summary>
[Collection(ApiCollection.Name)]
public sealed class ConsentTests(ApiFixture api)
{
    [Fact]
    public async System.Threading.Tasks.Task An_organization_without_consent_sees_nothing_on_any_endpoint()
    {
        var token = await api.TokenAsync(api.Nobody);
        var key = (await ResourceQueries.From(api.Store).GetPatientKeysAsync(null, 1, CancellationToken.None))[0];
        var stored = await api.Store.GetResourcesAsync(key, CancellationToken.None);
        var patientId = stored.Single(r => r.ResourceType == "Patient").LogicalId;
        var encounterId = stored.First(r => r.ResourceType == "Encounter").LogicalId;

        foreach (var type in new[] { "Patient", "Encounter", "Observation", "QuestionnaireResponse", "Consent", "MedicationAdministration", "DocumentReference" })
        {
            var bundle = await api.SearchAsync($"fhir/{type}", token);
            Assert.Empty(bundle.Entry);
            Assert.Empty((await api.SearchAsync($"fhir/{type}?patient={patientId}".Replace("Patient?patient", "Patient?_id", StringComparison.Ordinal), token)).Entry);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"fhir/Patient/{patientId}", token)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"fhir/Encounter/{encounterId}", token)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"fhir/Patient/{patientId}/$everything", token)).Status);
        // Forms are nobody's patient data.
        Assert.NotEmpty((await api.SearchAsync("fhir/Questionnaire", token)).Entry);

        var manifest = await ExportTests.ExportAsync(api, token, "fhir/Patient/$export");
        Assert.Empty(manifest.GetProperty("output").EnumerateArray());
        Assert.DoesNotContain(await api.Store.GetDisclosuresAsync(key, null, CancellationToken.None), d => d.OrganizationId == "nobody");
    }

    [Fact]
    public async System.Threading.Tasks.Task Counseling_notes_are_withheld_when_the_consent_excludes_them()
    {
        var token = await api.TokenAsync(api.Rsa);
        var notes = await ResourceQueries.From(api.Store).SearchAsync(new ResourceSearch { ResourceType = "DocumentReference", Limit = 1000 }, CancellationToken.None);
        Assert.NotEmpty(notes);
        foreach (var note in notes)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"fhir/DocumentReference/{note.Resource.LogicalId}", token)).Status);
        }

        var bundle = await api.SearchAsync("fhir/DocumentReference?_count=500", token);
        Assert.DoesNotContain(bundle.Entry, e => e.Resource is DocumentReference);
    }

    [Fact]
    public async System.Threading.Tasks.Task Every_read_and_search_with_patient_data_is_recorded_as_a_pull_disclosure()
    {
        var token = await api.TokenAsync(api.Ec, "system/*.read");
        var bundle = await api.SearchAsync("fhir/Patient?_count=50", token);
        var patients = bundle.Entry.Select(e => e.Resource).OfType<Patient>().ToList();
        Assert.NotEmpty(patients);
        foreach (var patient in patients)
        {
            var rows = await ResourceQueries.From(api.Store).SearchAsync(new ResourceSearch { ResourceType = "Patient", LogicalId = patient.Id }, CancellationToken.None);
            var disclosures = await api.Store.GetDisclosuresAsync(rows[0].Resource.PatientKey, null, CancellationToken.None);
            Assert.Contains(disclosures, d => d.Channel == DisclosureChannel.Pull && d.OrganizationId == "bhn"
                && d.ResourceIds.Contains($"Patient/{patient.Id}") && d.AuditEventJson.Contains("AuditEvent", StringComparison.Ordinal));
        }
    }
}
