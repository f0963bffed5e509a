using System.Globalization;
using System.Net;
using System.Text.Json;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Testing;
using Hl7.Fhir.Model;

namespace FhirAdapter.Api.Tests;

/// <summary>
/// An EHR pulls incrementally (its last transactionTime as _since, or _lastUpdated=gt); then a patient's consent for
/// its organization arrives: the next incremental pull must bring the patient's whole permitted record, not just the Consent.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class IncrementalPullTests(ApiFixture api)
{
    [Fact]
    public async System.Threading.Tasks.Task A_patient_whose_consent_arrives_after_since_comes_whole_in_the_next_incremental_pull()
    {
        // The consent-after-data case under an MRN and record ids of its own (the case tests use the case's own patient).
        var @case = ConsentCases.Get(ConsentCases.ConsentAfterData);
        var (_, patientId) = await SampleStore.ArrivePatientAsync(api.Store, @case.NdjsonAs(90, @case.Records));
        api.Time.Advance(TimeSpan.FromMinutes(1));
        var since = api.Time.GetUtcNow();
        var sinceText = since.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var token = await api.TokenAsync(api.CaseEhr);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"fhir/Patient/{patientId}", token)).Status);

        api.Time.Advance(TimeSpan.FromMinutes(1));
        await SampleStore.ArriveAsync(api.Store, @case.NdjsonAs(90, [.. @case.Pending, .. @case.Later]));
        api.Time.Advance(TimeSpan.FromMinutes(1));
        token = await api.TokenAsync(api.CaseEhr);

        // What a full pull gives of the patient now: the whole permitted record.
        var full = (await api.SearchAsync($"fhir/Patient/{patientId}/$everything", token)).Entry
            .Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match).Select(e => $"{e.Resource.TypeName}/{e.Resource.Id}").ToHashSet();
        Assert.Contains($"Patient/{patientId}", full);
        Assert.Contains(full, f => f.StartsWith("Encounter/", StringComparison.Ordinal));
        Assert.Contains(full, f => f.StartsWith("Observation/", StringComparison.Ordinal));

        var incremental = (await api.SearchAsync($"fhir/Patient/{patientId}/$everything?_since={sinceText}", token)).Entry
            .Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match).Select(e => $"{e.Resource.TypeName}/{e.Resource.Id}").ToHashSet();
        Assert.Equal(full.Order(), incremental.Order());

        // _lastUpdated searches: the unchanged Encounter and Patient, last updated before _since, come too.
        var encounters = await api.SearchAsync($"fhir/Encounter?patient={patientId}&_lastUpdated=gt{sinceText}", token);
        Assert.Equal(full.Where(f => f.StartsWith("Encounter/", StringComparison.Ordinal)).Order(),
            encounters.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match).Select(e => $"Encounter/{e.Resource.Id}").Order());
        Assert.True(encounters.Entry.Where(e => e.Resource is Encounter).All(e => e.Resource.Meta.LastUpdated < since), "the encounters did not change: they came because they became visible");
        var patients = await api.SearchAsync($"fhir/Patient?_lastUpdated=gt{sinceText}&_count=500", token);
        Assert.Contains(patients.Entry, e => e.Resource.Id == patientId);

        // The Bulk export with _since: the patient's whole record, and nothing of patients that did not change for this client.
        var manifest = await ExportTests.ExportAsync(api, token, $"fhir/Patient/$export?_since={Uri.EscapeDataString(sinceText)}");
        var exported = new HashSet<string>();
        foreach (var output in manifest.GetProperty("output").EnumerateArray())
        {
            using var file = await api.SendAsync(HttpMethod.Get, output.GetProperty("url").GetString()!, token);
            // The first file fetched writes the accounting: it must be whole when the manifest is (the runner closes every file first).
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            foreach (var line in (await file.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var resource = FhirJson.Parse<Resource>(line);
                if (resource is not Provenance)
                {
                    exported.Add($"{resource.TypeName}/{resource.Id}");
                }
            }
        }

        // Patient-level export: the patient compartment (the Practitioners and Medications $everything adds are system-level types).
        Assert.Equal(full.Where(f => !f.StartsWith("Practitioner/", StringComparison.Ordinal) && !f.StartsWith("Medication/", StringComparison.Ordinal)).Order(), exported.Order());
    }

    [Fact]
    public async System.Threading.Tasks.Task Export_by_POST_with_Parameters_filters_to_type_and_progress_counts_only_this_clients_patients()
    {
        var token = await api.TokenAsync(api.Rsa);
        using var kickoff = await api.SendAsync(HttpMethod.Post, "fhir/Patient/$export", token, r =>
        {
            r.Headers.Add("Prefer", "respond-async");
            r.Content = new StringContent("""{"resourceType":"Parameters","parameter":[{"name":"_type","valueString":"Patient"},{"name":"_outputFormat","valueString":"application/fhir+ndjson"}]}""",
                System.Text.Encoding.UTF8, "application/fhir+json");
        });
        Assert.Equal(HttpStatusCode.Accepted, kickoff.StatusCode);
        var status = kickoff.Content.Headers.ContentLocation!.ToString();
        JsonElement manifest = default;
        for (var i = 0; i < 600; i++)
        {
            using var poll = await api.SendAsync(HttpMethod.Get, status, token);
            if (poll.StatusCode == HttpStatusCode.OK)
            {
                manifest = JsonSerializer.Deserialize<JsonElement>(await poll.Content.ReadAsStringAsync());
                break;
            }

            var progress = poll.Headers.GetValues("X-Progress").Single();
            Assert.DoesNotContain("/", progress, StringComparison.Ordinal);
            await System.Threading.Tasks.Task.Delay(50);
        }

        // _type=Patient: Patient.ndjson only (Bulk Data: output SHALL be filtered to _type); the notice goes in the manifest.
        Assert.Equal(["Patient"], manifest.GetProperty("output").EnumerateArray().Select(o => o.GetProperty("type").GetString()));
        Assert.Contains("42 CFR part 2", manifest.GetProperty("extension").EnumerateObject().Single().Value.GetString()!, StringComparison.OrdinalIgnoreCase);

        using var unknown = await api.SendAsync(HttpMethod.Get, "fhir/$export?_typeFilter=Observation%3Fcode%3Dx", token, r => r.Headers.Add("Prefer", "respond-async"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [Fact]
    public async System.Threading.Tasks.Task Everything_answers_POST_as_clients_send_it()
    {
        var token = await api.TokenAsync(api.Rsa);
        var id = (await api.SearchAsync("fhir/Patient?_count=1", token)).Entry.First(e => e.Resource is Patient).Resource.Id;
        using var post = await api.SendAsync(HttpMethod.Post, $"fhir/Patient/{id}/$everything", token, r =>
            r.Content = new StringContent("""{"resourceType":"Parameters","parameter":[{"name":"_type","valueString":"Patient,Encounter"}]}""", System.Text.Encoding.UTF8, "application/fhir+json"));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        var bundle = FhirJson.Parse<Bundle>(await post.Content.ReadAsStringAsync());
        Assert.Contains(bundle.Entry, e => e.Resource is Encounter);
        Assert.All(bundle.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match), e => Assert.Contains(e.Resource.TypeName, new[] { "Patient", "Encounter" }));
        using var empty = await api.SendAsync(HttpMethod.Post, $"fhir/Patient/{id}/$everything", token);
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
    }
}
