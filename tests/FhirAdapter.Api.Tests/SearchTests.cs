using System.Net;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Store.Search;
using Hl7.Fhir.Model;

namespace FhirAdapter.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class SearchTests(ApiFixture api)
{
    private async Task<List<string>> PermittedAsync(string organization)
    {
        var keys = await ResourceQueries.From(api.Store).GetPatientKeysAsync(null, 1000, CancellationToken.None);
        var permitted = new List<string>();
        foreach (var key in keys)
        {
            var records = (await api.Store.GetCurrentRecordsAsync(key, CancellationToken.None)).Select(r => r.ToClinicRecord());
            if (ConsentDecider.Decide(records, organization, DisclosurePurpose.Treatment, api.Time.GetUtcNow()).IsPermitted)
            {
                permitted.Add(key);
            }
        }

        return permitted;
    }

    private async Task<(string Key, Patient Patient)> APermittedPatientAsync(string token)
    {
        var key = (await PermittedAsync("bhn"))[0];
        var stored = (await api.Store.GetResourcesAsync(key, CancellationToken.None)).Single(r => r.ResourceType == "Patient");
        var bundle = await api.SearchAsync($"fhir/Patient?_id={stored.LogicalId}", token);
        return (key, (Patient)bundle.Entry.Single(e => e.Search.Mode == Bundle.SearchEntryMode.Match).Resource!);
    }

    [Fact]
    public async System.Threading.Tasks.Task Each_search_parameter_finds_the_permitted_patients_resources()
    {
        var token = await api.TokenAsync(api.Rsa);
        var (key, patient) = await APermittedPatientAsync(token);
        var mrn = patient.Identifier.Single(i => i.System.EndsWith("/sid/mrn", StringComparison.Ordinal));

        var byIdentifier = await api.SearchAsync($"fhir/Patient?identifier={mrn.System}|{mrn.Value}", token);
        Assert.Equal(patient.Id, byIdentifier.Entry.Single(e => e.Search.Mode == Bundle.SearchEntryMode.Match).Resource.Id);
        Assert.Single(byIdentifier.Entry, e => e.Resource is Provenance);
        Assert.Contains(byIdentifier.Meta.Security, c => c.Code == "42CFRPart2");
        Assert.All(byIdentifier.Entry, e => Assert.Contains(e.Resource.Meta.Security, c => c.Code == "NORDSCLCD"));
        Assert.Single((await api.SearchAsync($"fhir/Patient?identifier={mrn.Value}", token)).Entry, e => e.Resource is Patient);

        var (status, read, _) = await api.GetAsync($"fhir/Patient/{patient.Id}", token);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(read!.Meta.Security, c => c.Code == "42CFRPart2");

        var stored = await api.Store.GetResourcesAsync(key, CancellationToken.None);
        foreach (var type in new[] { "Encounter", "QuestionnaireResponse", "MedicationAdministration", "Observation" })
        {
            var bundle = await api.SearchAsync($"fhir/{type}?patient=Patient/{patient.Id}&_count=500", token);
            var matches = bundle.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match).ToList();
            Assert.NotEmpty(matches);
            Assert.All(matches, e => Assert.Equal(type, e.Resource.TypeName));
            Assert.True(matches.Count <= stored.Count(r => r.ResourceType == type));
            // References between the patient's resources resolve against this API.
            Assert.DoesNotContain("urn:uuid", FhirAdapter.Core.Mapping.FhirJson.Serialize(matches[0].Resource), StringComparison.Ordinal);
        }

        // A resource shared by several patients' mappings (a Practitioner) is read through a permitted patient's copy.
        var practitioner = stored.First(r => r.ResourceType == "Practitioner" && r.Validation.IsValid);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"fhir/Practitioner/{practitioner.LogicalId}", token)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"fhir/Practitioner/{practitioner.LogicalId}", await api.TokenAsync(api.Nobody))).Status);

        var consents = await api.SearchAsync($"fhir/Consent?patient={patient.Id}", token);
        Assert.Contains(consents.Entry, e => e.Resource is Consent);

        var observations = (await api.SearchAsync($"fhir/Observation?patient={patient.Id}&_count=500", token)).Entry.Select(e => e.Resource).OfType<Observation>().ToList();
        var coding = observations.SelectMany(o => o.Code.Coding).First();
        var byCode = await api.SearchAsync($"fhir/Observation?patient={patient.Id}&code={coding.System}|{coding.Code}&_count=500", token);
        Assert.All(byCode.Entry.Select(e => e.Resource).OfType<Observation>(), o => Assert.Contains(o.Code.Coding, c => c.Code == coding.Code));
        Assert.Equal(observations.Count(o => o.Code.Coding.Any(c => c.System == coding.System && c.Code == coding.Code)), byCode.Entry.Count(e => e.Resource is Observation));
        var category = observations.SelectMany(o => o.Category).SelectMany(c => c.Coding).First();
        var byCategory = await api.SearchAsync($"fhir/Observation?patient={patient.Id}&category={category.Code}&_count=500", token);
        Assert.Equal(observations.Count(o => o.Category.SelectMany(c => c.Coding).Any(c => c.Code == category.Code)), byCategory.Entry.Count(e => e.Resource is Observation));

        var questionnaires = await api.SearchAsync("fhir/Questionnaire", token);
        var url = ((Questionnaire)questionnaires.Entry[0].Resource).Url;
        var byUrl = (await api.SearchAsync($"fhir/Questionnaire?url={url}", token)).Entry;
        Assert.NotEmpty(byUrl);
        Assert.All(byUrl, e => Assert.Equal(url, ((Questionnaire)e.Resource).Url));

        Assert.DoesNotContain((await api.SearchAsync("fhir/Encounter?_lastUpdated=lt2000-01-01", token)).Entry, e => e.Search.Mode == Bundle.SearchEntryMode.Match);
        Assert.NotEmpty((await api.SearchAsync($"fhir/Encounter?patient={patient.Id}&_lastUpdated=ge2026-01-01", token)).Entry);
    }

    [Theory]
    [InlineData("fhir/Encounter?_count=abc")]
    [InlineData("fhir/Encounter?_lastUpdated=yesterday")]
    [InlineData("fhir/Observation?patient=Encounter/1")]
    public async System.Threading.Tasks.Task A_bad_search_parameter_is_400_with_an_operation_outcome(string path)
    {
        var token = await api.TokenAsync(api.Rsa);
        var (status, resource, _) = await api.GetAsync(path, token);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.IsType<OperationOutcome>(resource);
    }

    [Fact]
    public async System.Threading.Tasks.Task Pages_through_thousands_of_resources_without_repeats_or_gaps()
    {
        var token = await api.TokenAsync(api.Rsa);
        var permitted = await PermittedAsync("bhn");
        var expected = 0;
        foreach (var key in permitted)
        {
            expected += (await api.Store.GetResourcesAsync(key, CancellationToken.None)).Count(r => r.ResourceType == "Observation" && r.Validation.IsValid && !r.Json.Contains("\"entered-in-error\"", StringComparison.Ordinal));
        }

        var seen = new List<string>();
        string? next = "fhir/Observation?_count=40";
        var pages = 0;
        while (next is not null)
        {
            var bundle = await api.SearchAsync(next, token);
            var matches = bundle.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match).ToList();
            Assert.True(matches.Count <= 40);
            seen.AddRange(matches.Select(e => e.Resource.Id!));
            next = bundle.Link.FirstOrDefault(l => l.Relation == "next")?.Url;
            pages++;
        }

        Assert.True(pages > 3, $"{pages} pages");
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(expected, seen.Count);
    }

    [Fact]
    public async System.Threading.Tasks.Task Everything_returns_the_patients_record_with_the_notice_and_is_accounted()
    {
        var token = await api.TokenAsync(api.Rsa);
        var (key, patient) = await APermittedPatientAsync(token);
        var before = (await api.Store.GetDisclosuresAsync(key, null, CancellationToken.None)).Count;
        var bundle = await api.SearchAsync($"fhir/Patient/{patient.Id}/$everything", token);
        Assert.Contains(bundle.Entry, e => e.Resource is Patient);
        Assert.Contains(bundle.Entry, e => e.Resource is Encounter);
        var notice = Assert.Single(bundle.Entry, e => e.Resource is Provenance && e.Search.Mode == Bundle.SearchEntryMode.Include);
        Assert.Contains("42 CFR", ((Provenance)notice.Resource).Text.Div, StringComparison.Ordinal);
        Assert.DoesNotContain(bundle.Entry, e => e.Resource is DocumentReference d && DisclosureFilter.IsCounselingNote(d));

        var disclosures = await api.Store.GetDisclosuresAsync(key, null, CancellationToken.None);
        Assert.True(disclosures.Count > before);
        Assert.Equal(DisclosureChannel.Pull, disclosures[^1].Channel);
        Assert.Equal("bhn", disclosures[^1].OrganizationId);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_withdrawn_resource_is_410_on_read_and_absent_from_searches()
    {
        var token = await api.TokenAsync(api.Rsa);
        var (key, patient) = await APermittedPatientAsync(token);
        var json = """{"resourceType":"Encounter","status":"entered-in-error","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"subject":{"reference":"Patient/""" + patient.Id + "\"}}";
        var id = Guid.NewGuid().ToString();
        var current = await api.Store.GetResourcesAsync(key, CancellationToken.None);
        var resources = current.Select(r => new FhirAdapter.Store.Patients.MappedResource(r.ResourceType, r.Identifier, r.LogicalId, r.RequestUrl, r.Json, r.Validation))
            .Append(new FhirAdapter.Store.Patients.MappedResource("Encounter", "urn:test|withdrawn", id, "Encounter?identifier=urn:test|withdrawn", json, FhirAdapter.Store.Patients.ResourceValidation.Valid))
            .ToList();
        await api.Store.SavePatientMappingAsync(new FhirAdapter.Store.Patients.PatientMapping(key, long.MaxValue, resources, [], []), CancellationToken.None);

        Assert.Equal(HttpStatusCode.Gone, (await api.GetAsync($"fhir/Encounter/{id}", token)).Status);
        Assert.DoesNotContain((await api.SearchAsync($"fhir/Encounter?patient={patient.Id}&_count=500", token)).Entry, e => e.Resource.Id == id);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"fhir/Encounter/{Guid.NewGuid()}", token)).Status);
    }
}
