using System.Net;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace FhirAdapter.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class LoggingTests(ApiFixture api)
{
    [Fact]
    public async System.Threading.Tasks.Task Logs_name_clients_and_patient_keys_but_never_tokens_assertions_or_patient_data()
    {
        var collector = api.Services.GetRequiredService<FakeLogCollector>();
        collector.Clear();
        var assertion = api.Rsa.Assertion(api.TokenUrl, api.Time.GetUtcNow());
        var (_, body) = await api.RequestTokenAsync(assertion);
        var token = body.GetProperty("access_token").GetString()!;
        var patients = await api.SearchAsync("fhir/Patient", token);
        var patient = patients.Entry.Select(e => e.Resource).OfType<Patient>().First();
        var mrn = patient.Identifier[0].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["identifier"] = mrn });
        using var post = await api.SendAsync(HttpMethod.Post, "fhir/Patient/_search", token, r => r.Content = form);
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Contains(patient.Id, await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.RequestTokenAsync(assertion)).Status); // replay: logged refusal

        // Includes ASP.NET Core's own request logs: a GET with ?identifier= would put the MRN there (hence POST _search).
        var messages = collector.GetSnapshot().Select(r => r.Message).ToList();
        Assert.Contains(messages, m => m.Contains("Disclosed", StringComparison.Ordinal) && m.Contains("p-", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("jti was used before", StringComparison.Ordinal));
        Assert.DoesNotContain(messages, m => m.Contains(mrn, StringComparison.Ordinal) || m.Contains("KWC-", StringComparison.Ordinal));
        Assert.DoesNotContain(messages, m => m.Contains(token, StringComparison.Ordinal) || m.Contains(assertion[..20], StringComparison.Ordinal));
        Assert.DoesNotContain(messages, m => patient.Name.Any(n => m.Contains(n.Family, StringComparison.Ordinal)));
    }
}
