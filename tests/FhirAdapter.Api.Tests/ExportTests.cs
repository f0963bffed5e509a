using System.Net;
using System.Text.Json;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Validation;
using Hl7.Fhir.Model;

namespace FhirAdapter.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class ExportTests(ApiFixture api)
{
    /// <summary>Kick-off, poll until done, return the manifest.</summary>
    internal static async Task<JsonElement> ExportAsync(ApiFixture api, string token, string path)
    {
        using var kickoff = await api.SendAsync(HttpMethod.Get, path, token, r => r.Headers.Add("Prefer", "respond-async"));
        Assert.Equal(HttpStatusCode.Accepted, kickoff.StatusCode);
        var status = kickoff.Content.Headers.ContentLocation?.ToString() ?? kickoff.Headers.GetValues("Content-Location").Single();
        for (var i = 0; i < 600; i++)
        {
            using var poll = await api.SendAsync(HttpMethod.Get, status, token);
            if (poll.StatusCode == HttpStatusCode.OK)
            {
                return JsonSerializer.Deserialize<JsonElement>(await poll.Content.ReadAsStringAsync());
            }

            Assert.Equal(HttpStatusCode.Accepted, poll.StatusCode);
            Assert.True(poll.Headers.Contains("X-Progress"));
            await System.Threading.Tasks.Task.Delay(50);
        }

        throw new TimeoutException("The export did not finish");
    }

    [Fact]
    public async System.Threading.Tasks.Task A_bulk_export_of_all_samples_gives_ndjson_that_parses_and_validates()
    {
        var token = await api.TokenAsync(api.Rsa);
        var manifest = await ExportAsync(api, token, "fhir/$export");
        Assert.True(manifest.GetProperty("requiresAccessToken").GetBoolean());
        Assert.EndsWith("/fhir/$export", manifest.GetProperty("request").GetString(), StringComparison.Ordinal);
        var outputs = manifest.GetProperty("output").EnumerateArray().ToList();
        Assert.Contains(outputs, o => o.GetProperty("type").GetString() == "Patient");
        Assert.Contains(outputs, o => o.GetProperty("type").GetString() == "Provenance");

        var validator = SampleStore.Validator;
        var total = 0;
        var patients = new List<string>();
        foreach (var output in outputs)
        {
            using var file = await api.SendAsync(HttpMethod.Get, output.GetProperty("url").GetString()!, token);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal("application/fhir+ndjson", file.Content.Headers.ContentType?.MediaType);
            var lines = (await file.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(output.GetProperty("count").GetInt64(), lines.Length);
            foreach (var line in lines)
            {
                var resource = FhirJson.Parse<Resource>(line);
                if (resource is Patient)
                {
                    patients.Add(resource.Id);
                }

                Assert.Equal(output.GetProperty("type").GetString(), resource.TypeName);
                Assert.False(resource is DocumentReference d && Core.Privacy.DisclosureFilter.IsCounselingNote(d));
                var outcome = validator.Validate(resource);
                // ref-1 is about local (#) references only, yet the validator also flags references that carry only a display
                // or an identifier, as the disclosure Provenance's agent and consent entity must (nothing to point at): known false positive.
                var errors = outcome.Errors()
                    .Where(i => !(resource is Provenance && i.GetExtensionValue<FhirString>("http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id")?.Value == "ref-1"))
                    .ToList();
                Assert.True(errors.Count == 0, $"{resource.TypeName}/{resource.Id}: {FhirJson.Serialize(outcome)}");
                total++;
            }
        }

        Assert.True(total > 50, $"{total} resources");
        // Fetching the files recorded one pull disclosure per exported patient.
        Assert.NotEmpty(patients);
        foreach (var id in patients)
        {
            var key = (await FhirAdapter.Store.Search.ResourceQueries.From(api.Store).SearchAsync(
                new FhirAdapter.Store.Search.ResourceSearch { ResourceType = "Patient", LogicalId = id }, CancellationToken.None))[0].Resource.PatientKey;
            Assert.Contains(await api.Store.GetDisclosuresAsync(key, null, CancellationToken.None),
                d => d.Channel == DisclosureChannel.Pull && d.ResourceIds.Contains($"Patient/{id}"));
        }

        // Without the token the files are not served.
        using var anonymous = await api.SendAsync(HttpMethod.Get, outputs[0].GetProperty("url").GetString()!, null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async System.Threading.Tasks.Task Type_and_since_narrow_the_export_and_delete_cancels_it()
    {
        var token = await api.TokenAsync(api.Rsa);
        var manifest = await ExportAsync(api, token, "fhir/Patient/$export?_type=Patient,Encounter");
        var types = manifest.GetProperty("output").EnumerateArray().Select(o => o.GetProperty("type").GetString()).ToHashSet();
        Assert.Subset(new HashSet<string?> { "Patient", "Encounter", "Provenance" }, types);

        var none = await ExportAsync(api, token, "fhir/Patient/$export?_since=2030-01-01T00:00:00Z");
        Assert.Empty(none.GetProperty("output").EnumerateArray());

        using var noPrefer = await api.SendAsync(HttpMethod.Get, "fhir/$export", token);
        Assert.Equal(HttpStatusCode.BadRequest, noPrefer.StatusCode);

        using var kickoff = await api.SendAsync(HttpMethod.Get, "fhir/$export", token, r => r.Headers.Add("Prefer", "respond-async"));
        var status = kickoff.Content.Headers.ContentLocation!.ToString();
        using var delete = await api.SendAsync(HttpMethod.Delete, status, token);
        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        using var gone = await api.SendAsync(HttpMethod.Get, status, token);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async System.Threading.Tasks.Task Export_files_expire()
    {
        var token = await api.TokenAsync(api.Ec, "system/*.read");
        using var kickoff = await api.SendAsync(HttpMethod.Get, "fhir/Patient/$export?_type=Patient", token, r => r.Headers.Add("Prefer", "respond-async"));
        var status = kickoff.Content.Headers.ContentLocation!.ToString();
        for (var i = 0; i < 600; i++)
        {
            using var poll = await api.SendAsync(HttpMethod.Get, status, token);
            if (poll.StatusCode == HttpStatusCode.OK)
            {
                break;
            }

            await System.Threading.Tasks.Task.Delay(50);
        }

        api.Time.Advance(TimeSpan.FromHours(2));
        var token2 = await api.TokenAsync(api.Ec, "system/*.read");
        using var expired = await api.SendAsync(HttpMethod.Get, status, token2);
        Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
    }
}
