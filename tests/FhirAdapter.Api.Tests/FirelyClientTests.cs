using System.Net.Http.Headers;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace FhirAdapter.Api.Tests;

/// <summary>Contract tests with a client we did not write: Firely's FhirClient (search, paging, read, vread, POST $everything, XML).</summary>
[Collection(ApiCollection.Name)]
public sealed class FirelyClientTests(ApiFixture api)
{
    private sealed class Bearer(string token) : DelegatingHandler(new HttpClientHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return base.SendAsync(request, cancellationToken);
        }
    }

    private async Task<FhirClient> ClientAsync(ResourceFormat format)
    {
        var token = await api.TokenAsync(api.Rsa);
        return new FhirClient(new Uri(api.BaseAddress, "fhir/"), new HttpClient(new Bearer(token)), new FhirClientSettings { PreferredFormat = format, VerifyFhirVersion = false });
    }

    [Theory]
    [InlineData(ResourceFormat.Json)]
    [InlineData(ResourceFormat.Xml)]
    public async System.Threading.Tasks.Task Search_paging_read_vread_and_everything_work_with_FhirClient(ResourceFormat format)
    {
        using var client = await ClientAsync(format);
        var patients = await client.SearchAsync<Patient>(["_count=1"]);
        var patient = (Patient)patients!.Entry.First(e => e.Resource is Patient).Resource;

        // Paging: follow next links until the end; no resource twice.
        var page = await client.SearchAsync<Observation>([$"patient={patient.Id}", "_count=10"]);
        var seen = new List<string>();
        var pages = 0;
        while (page is not null)
        {
            seen.AddRange(page.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id!));
            pages++;
            page = await client.ContinueAsync(page);
        }

        Assert.True(pages > 1, $"{pages} pages");
        Assert.Equal(seen.Count, seen.Distinct().Count());

        var read = await client.ReadAsync<Patient>($"Patient/{patient.Id}");
        Assert.Equal(patient.Id, read!.Id);
        var vread = await client.ReadAsync<Patient>($"Patient/{patient.Id}/_history/{read.Meta.VersionId}");
        Assert.Equal(read.Meta.VersionId, vread!.Meta.VersionId);

        // FhirClient invokes operations by POST with a Parameters body.
        var everything = (Bundle)(await client.InstanceOperationAsync(new Uri($"Patient/{patient.Id}", UriKind.Relative), "everything"))!;
        Assert.Contains(everything.Entry, e => e.Resource is Encounter);
        Assert.Contains(everything.Entry, e => e.Resource is Provenance { Id: not null });

        var missing = await Assert.ThrowsAsync<FhirOperationException>(() => client.ReadAsync<Patient>("Patient/does-not-exist"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.Status);
        Assert.NotNull(missing.Outcome);
    }
}
