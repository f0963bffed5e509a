using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using FhirAdapter.Testing;
using Hl7.Fhir.Model;

namespace FhirAdapter.Api.Tests;

/// <summary>
/// meta.versionId is a counter that moves whenever what a client is served changes, security labels included; vread
/// and ETag follow it, and an incremental pull brings a resource whose labels changed since.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class VersionTests(ApiFixture api)
{
    [Fact]
    public async System.Threading.Tasks.Task A_resource_whose_labels_change_without_its_content_gets_the_next_version_and_comes_in_the_next_incremental_pull()
    {
        // A permitted patient without SUD information (labelled PSY), under an MRN and record ids of its own.
        var @case = ConsentCases.Get(ConsentCases.Tpo);
        var records = @case.Records.Select(r => (JsonObject)r.DeepClone()).ToList();
        var intake = records.Single(r => (string?)r["recordType"] == "intake");
        intake["conditions"] = new JsonArray([.. intake["conditions"]!.AsArray().Where(c => !((string)c!["icd10cm"]!).StartsWith("F1", StringComparison.Ordinal)).Select(c => c!.DeepClone())]);
        intake["priorTreatments"] = new JsonArray([.. intake["priorTreatments"]!.AsArray().Where(t => (string?)t != "twelve-step").Select(t => t!.DeepClone())]);
        var (_, patientId) = await SampleStore.ArrivePatientAsync(api.Store, @case.NdjsonAs(91, records));

        var token = await api.TokenAsync(api.CaseEhr);
        var (status, resource, response) = await api.GetAsync($"fhir/Patient/{patientId}", token);
        Assert.Equal(HttpStatusCode.OK, status);
        var before = Assert.IsType<Patient>(resource);
        Assert.Equal("1", before.Meta.VersionId);
        Assert.Equal("W/\"1\"", response.Headers.ETag?.ToString());
        Assert.Contains(before.Meta.Security, s => s.Code == "PSY");

        api.Time.Advance(TimeSpan.FromMinutes(1));
        var since = api.Time.GetUtcNow();
        api.Time.Advance(TimeSpan.FromMinutes(1));
        // A counseling-notes consent arrives: the patient's record is SUD information from now on, the Patient itself unchanged.
        var consent = (JsonObject)records.Single(r => (string?)r["recordType"] == "consent").DeepClone();
        consent["recordId"] = (string)consent["recordId"]! + "-NOTES";
        consent["consentType"] = "counseling-notes";
        await SampleStore.ArriveAsync(api.Store, @case.NdjsonAs(91, [consent]));
        api.Time.Advance(TimeSpan.FromMinutes(1));
        token = await api.TokenAsync(api.CaseEhr);

        (status, resource, response) = await api.GetAsync($"fhir/Patient/{patientId}", token);
        var after = Assert.IsType<Patient>(resource);
        Assert.Equal(before.Identifier.Single().Value, after.Identifier.Single().Value);
        Assert.Contains(after.Meta.Security, s => s.Code == "SUD");
        Assert.Equal("2", after.Meta.VersionId);
        Assert.Equal("W/\"2\"", response.Headers.ETag?.ToString());
        Assert.True(after.Meta.LastUpdated > since, "lastUpdated moves with the labels");
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"fhir/Patient/{patientId}/_history/1", token)).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"fhir/Patient/{patientId}/_history/2", token)).Status);

        var sinceText = since.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        // Its lastUpdated is after since now: a search for what was last updated before since no longer finds it.
        Assert.DoesNotContain((await api.SearchAsync($"fhir/Patient?_id={patientId}&_lastUpdated=lt{sinceText}", token)).Entry, e => e.Resource is Patient);
        var incremental = await api.SearchAsync($"fhir/Patient/{patientId}/$everything?_since={sinceText}", token);
        Assert.Contains(incremental.Entry, e => e.Resource is Patient p && p.Id == patientId && p.Meta.VersionId == "2");
    }

    [Fact]
    public async System.Threading.Tasks.Task Forms_are_versioned_by_the_same_counter()
    {
        var token = await api.TokenAsync(api.Rsa);
        var form = Assert.IsType<Questionnaire>((await api.SearchAsync("fhir/Questionnaire?_count=1", token)).Entry.First(e => e.Resource is Questionnaire).Resource);
        Assert.Equal("1", form.Meta.VersionId);
        var (status, read, response) = await api.GetAsync($"fhir/Questionnaire/{form.Id}/_history/1", token);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(form.Meta.LastUpdated, read!.Meta.LastUpdated);
        Assert.Equal("W/\"1\"", response.Headers.ETag?.ToString());
    }

    [Fact]
    public async System.Threading.Tasks.Task A_resource_that_becomes_valid_later_with_the_same_content_comes_in_the_next_incremental_pull()
    {
        var @case = ConsentCases.Get(ConsentCases.Tpo);
        var key = await SampleStore.ArriveAsync(api.Store, @case.NdjsonAs(92, @case.Records));
        var stored = await api.Store.GetResourcesAsync(key, CancellationToken.None);
        var encounter = stored.First(r => r.ResourceType == "Encounter");
        async System.Threading.Tasks.Task SaveAsync(bool encounterValid) => await api.Store.SavePatientMappingAsync(new FhirAdapter.Store.Patients.PatientMapping(key, long.MaxValue,
            [.. stored.Select(r => new FhirAdapter.Store.Patients.MappedResource(r.ResourceType, r.Identifier, r.LogicalId, r.RequestUrl, r.Json,
                r == encounter && !encounterValid ? FhirAdapter.Store.Patients.ResourceValidation.Invalid("{}") : r.Validation))], [], []), CancellationToken.None);

        // The encounter fails validation (say, under the profiles of the time): the client pulls and does not get it.
        await SaveAsync(encounterValid: false);
        var token = await api.TokenAsync(api.CaseEhr);
        var patientId = stored.Single(r => r.ResourceType == "Patient").LogicalId;
        Assert.DoesNotContain((await api.SearchAsync($"fhir/Patient/{patientId}/$everything", token)).Entry, e => e.Resource.Id == encounter.LogicalId);

        api.Time.Advance(TimeSpan.FromMinutes(1));
        var since = api.Time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        api.Time.Advance(TimeSpan.FromMinutes(1));
        // Revalidated (new profiles), its content unchanged: new to the client, and the rest is not.
        await SaveAsync(encounterValid: true);
        Assert.Equal(encounter.MappedAt, (await api.Store.GetResourcesAsync(key, CancellationToken.None)).Single(r => r.LogicalId == encounter.LogicalId).MappedAt);
        var incremental = (await api.SearchAsync($"fhir/Patient/{patientId}/$everything?_since={since}", token)).Entry
            .Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id).ToList();
        Assert.Equal([encounter.LogicalId], incremental);
    }
}
