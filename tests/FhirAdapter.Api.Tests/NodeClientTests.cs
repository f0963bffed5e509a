using System.Diagnostics;
using System.Text.Json;
using Hl7.Fhir.Model;

namespace FhirAdapter.Api.Tests;

/// <summary>
/// A third-party Node FHIR client from npm (fhir-kit-client 2.0.3, tests/NodeClient) started by the test against the
/// API, as a Node EHR would use it: metadata and SMART configuration, search with paging, read and vread, POST
/// $everything (its default), a US Core style vitals search, and an error. What it got is compared with what the
/// API serves by itself.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class NodeClientTests(ApiFixture api)
{
    [Fact]
    public async System.Threading.Tasks.Task Fhir_kit_client_searches_pages_reads_vreads_and_calls_everything()
    {
        var dir = Path.Combine(RepoPaths.Root, "tests", "NodeClient");
        await NpmPackages.EnsureInstalledAsync(dir, Path.Combine("node_modules", "fhir-kit-client", "package.json"));
        var token = await api.TokenAsync(api.Rsa);
        var start = new ProcessStartInfo("node", "client.mjs") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["FHIR_BASE"] = new Uri(api.BaseAddress, "fhir").AbsoluteUri;
        start.Environment["FHIR_TOKEN"] = token; // not on the command line, where other users could see it
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        Assert.True(node.ExitCode == 0, await errors);
        var got = JsonSerializer.Deserialize<JsonElement>(await output);

        Assert.Equal("4.0.1", got.GetProperty("fhirVersion").GetString());
        Assert.Contains("Patient", got.GetProperty("types").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(api.TokenUrl, got.GetProperty("tokenEndpoint").GetString());

        // Paging by the next links gives every patient the client may see, each once.
        var all = (await api.SearchAsync("fhir/Patient?_count=500", token)).Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id).ToList();
        var paged = got.GetProperty("patientIds").EnumerateArray().Select(i => i.GetString()).ToList();
        Assert.True(all.Count > 2, "more than one page");
        Assert.Equal(2, got.GetProperty("firstPageSize").GetInt32());
        Assert.Equal(all.Order(), paged.Order());

        var read = got.GetProperty("read");
        Assert.Equal(paged[0], read.GetProperty("id").GetString());
        Assert.Equal(read.GetProperty("versionId").GetString(), got.GetProperty("vread").GetProperty("versionId").GetString());
        Assert.Contains("42CFRPart2", read.GetProperty("security").EnumerateArray().Select(s => s.GetString()));

        var everything = (await api.SearchAsync($"fhir/Patient/{paged[0]}/$everything", token)).Entry
            .Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match).Select(e => $"{e.Resource.TypeName}/{e.Resource.Id}");
        var viaNode = got.GetProperty("everything").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.True(everything.Order().SequenceEqual(viaNode.Order()), $"only here: {string.Join(", ", everything.Except(viaNode))}; only via Node: {string.Join(", ", viaNode.Except(everything))}");
        Assert.True(got.GetProperty("everythingNotice").GetBoolean());

        var vitals = (await api.SearchAsync($"fhir/Observation?patient={paged[0]}&category=vital-signs&date=ge2000-01-01&_count=500", token)).Entry
            .Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id);
        Assert.Equal(vitals.Order(), got.GetProperty("vitals").EnumerateArray().Select(e => e.GetString()).Order());

        Assert.Equal(404, got.GetProperty("missing").GetProperty("status").GetInt32());
        Assert.Equal("OperationOutcome", got.GetProperty("missing").GetProperty("resourceType").GetString());
    }
}
