using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;

namespace FhirAdapter.Api.Tests;

/// <summary>
/// The API's state lives in the store: a restart in the middle of an export keeps its status URL answering and the
/// export completes; two instances on one PostgreSQL database answer any client, whichever instance it spoke to before.
/// </summary>
public sealed class ScaleOutTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fhiradapter-api-scaleout", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(ApiFixture.Now);
    private readonly TestClient _client = TestClient.Rsa("ehr-scaleout");
    private readonly HttpClient _http = new();

    private Dictionary<string, string?> Settings(StoreOptions store)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Adapter:Store:Provider"] = store.Provider,
            ["Adapter:Store:ConnectionString"] = store.ConnectionString,
            // One folder for every instance: the documented deployment (a shared volume).
            ["Adapter:Api:Export:Directory"] = Path.Combine(_dir, "exports"),
        };
        ApiHost.AddClients(settings, (_client, "bhn", "system/*.rs", null));
        return settings;
    }

    [Fact]
    public async System.Threading.Tasks.Task An_export_running_when_the_service_restarts_completes_and_its_status_url_answers()
    {
        Directory.CreateDirectory(_dir);
        var store = new StoreOptions { ConnectionString = $"Data Source={Path.Combine(_dir, "adapter.db")}" };
        ((IDisposable)await SampleStore.CreateAsync(store, _time)).Dispose();
        var settings = Settings(store);

        var first = await ApiHost.StartAsync(settings, _time);
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        first.Runner.AfterPatient = async (_, patients, ct) =>
        {
            // Stops in the middle of the export: after its first patient, until the service stops.
            reached.TrySetResult();
            await System.Threading.Tasks.Task.Delay(Timeout.Infinite, ct);
        };
        var token = await TokenAsync(first, _client.Assertion(first.TokenUrl, _time.GetUtcNow()));
        using var kickoff = await SendAsync(HttpMethod.Get, new Uri(first.BaseAddress, "fhir/$export?_type=Patient,Encounter"), token, prefer: true);
        Assert.Equal(HttpStatusCode.Accepted, kickoff.StatusCode);
        var status = kickoff.Content.Headers.ContentLocation!;
        await reached.Task.WaitAsync(TimeSpan.FromMinutes(1));
        using (var running = await SendAsync(HttpMethod.Get, status, token))
        {
            Assert.Equal(HttpStatusCode.Accepted, running.StatusCode);
            Assert.StartsWith("running", running.Headers.GetValues("X-Progress").Single(), StringComparison.Ordinal);
        }

        // The service restarts on the same address and store: the token and the job outlived the first process's memory.
        var port = first.Port;
        await first.DisposeAsync();
        await using var second = await ApiHost.StartAsync(settings, _time, port);
        var manifest = await ManifestAsync(status, token);
        var outputs = manifest.GetProperty("output").EnumerateArray().ToList();
        Assert.Equal(["Encounter", "Patient"], outputs.Select(o => o.GetProperty("type").GetString()).Order());
        foreach (var output in outputs)
        {
            var lines = await FileLinesAsync(new Uri(output.GetProperty("url").GetString()!), token);
            Assert.Equal(output.GetProperty("count").GetInt64(), lines.Count);
            Assert.All(lines, l => Assert.Equal(output.GetProperty("type").GetString(), FhirJson.Parse<Resource>(l).TypeName));
            Assert.Equal(lines.Count, lines.Select(l => FhirJson.Parse<Resource>(l).Id).Distinct().Count()); // one run's files, not two runs' together
        }

        // The first run's folder is gone once the sweep runs: only the finished run's files stay.
        _time.Advance(TimeSpan.FromMinutes(1));
        var folders = await WaitAsync(() => Directory.GetDirectories(Path.Combine(_dir, "exports")), f => f.Length == 1);
        Assert.EndsWith("-2", folders.Single(), StringComparison.Ordinal);

        // Expired: the scheduled sweep deletes the files (nobody asks for them) and the job.
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await WaitAsync(() => Directory.GetDirectories(Path.Combine(_dir, "exports")), f => f.Length == 0));
        var state = (IApiStateStore)second.Services.GetService(typeof(IApiStateStore))!;
        Assert.Null(await state.FindExportJobAsync(status.Segments[^1], CancellationToken.None));
    }

    [Fact]
    [RequiresPostgres]
    public async System.Threading.Tasks.Task Two_instances_on_one_PostgreSQL_share_tokens_the_replay_cache_and_exports()
    {
        Directory.CreateDirectory(_dir);
        var (schema, connectionString) = TestPostgres.NewSchema("api", maxPoolSize: 10);
        try
        {
            var store = new StoreOptions { Provider = StoreOptions.PostgresProvider, ConnectionString = connectionString };
            ((IDisposable)await SampleStore.CreateAsync(store, _time)).Dispose();
            var settings = Settings(store);
            await using var a = await ApiHost.StartAsync(settings, _time);
            await using var b = await ApiHost.StartAsync(settings, _time);

            // A token from one instance works on the other; the assertion it was issued for is spent on both.
            var assertion = _client.Assertion(a.TokenUrl, _time.GetUtcNow());
            var token = await TokenAsync(a, assertion);
            using (var search = await SendAsync(HttpMethod.Get, new Uri(b.BaseAddress, "fhir/Patient?_count=5"), token))
            {
                Assert.Equal(HttpStatusCode.OK, search.StatusCode);
                Assert.Contains(FhirJson.Parse<Bundle>(await search.Content.ReadAsStringAsync()).Entry, e => e.Resource is Patient);
            }

            // The assertion's jti, spent on a, is refused on b (b's own token URL as the audience: only the jti is replayed).
            using var replay = await PostTokenAsync(b, _client.Assertion(b.TokenUrl, _time.GetUtcNow(), jti: JtiOf(assertion)));
            Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
            using (var fresh = await PostTokenAsync(b, _client.Assertion(b.TokenUrl, _time.GetUtcNow())))
            {
                Assert.Equal(HttpStatusCode.OK, fresh.StatusCode); // the same client with a new jti is fine on b
            }

            // An export kicked off on a is polled and downloaded on b.
            using var kickoff = await SendAsync(HttpMethod.Get, new Uri(a.BaseAddress, "fhir/Patient/$export?_type=Patient"), token, prefer: true);
            Assert.Equal(HttpStatusCode.Accepted, kickoff.StatusCode);
            var manifest = await ManifestAsync(On(b, kickoff.Content.Headers.ContentLocation!), token);
            var output = Assert.Single(manifest.GetProperty("output").EnumerateArray());
            var lines = await FileLinesAsync(On(b, new Uri(output.GetProperty("url").GetString()!)), token);
            Assert.NotEmpty(lines);
            Assert.Equal(output.GetProperty("count").GetInt64(), lines.Count);
            Assert.All(lines, l => Assert.IsType<Patient>(FhirJson.Parse<Resource>(l)));

            // Cancelled on b, gone on a.
            using var delete = await SendAsync(HttpMethod.Delete, On(b, kickoff.Content.Headers.ContentLocation!), token);
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
            using var gone = await SendAsync(HttpMethod.Get, kickoff.Content.Headers.ContentLocation!, token);
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            TestPostgres.DropSchema(schema);
        }
    }

    /// <summary>The same path on another instance (behind a load balancer both have one address).</summary>
    private static Uri On(ApiHost host, Uri url) => new(host.BaseAddress, url.PathAndQuery.TrimStart('/'));

    private static string JtiOf(string assertion) =>
        new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(assertion).Id;

    private async Task<HttpResponseMessage> PostTokenAsync(ApiHost host, string assertion)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "system/*.rs",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion,
        });
        return await _http.PostAsync(new Uri(host.TokenUrl), form);
    }

    private async Task<string> TokenAsync(ApiHost host, string assertion)
    {
        using var response = await PostTokenAsync(host, assertion);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync()).GetProperty("access_token").GetString()!;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, string token, bool prefer = false)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (prefer)
        {
            request.Headers.Add("Prefer", "respond-async");
        }

        return await _http.SendAsync(request);
    }

    private async Task<JsonElement> ManifestAsync(Uri status, string token)
    {
        using var done = await WaitAsync(() => SendAsync(HttpMethod.Get, status, token), r => r.StatusCode != HttpStatusCode.Accepted);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        return JsonSerializer.Deserialize<JsonElement>(await done.Content.ReadAsStringAsync());
    }

    private async Task<List<string>> FileLinesAsync(Uri url, string token)
    {
        using var file = await SendAsync(HttpMethod.Get, url, token);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        return [.. (await file.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>Asks again (real time: the work is done by the instances' own threads) until the answer is the awaited one, for at most a minute.</summary>
    private static async Task<T> WaitAsync<T>(Func<Task<T>> ask, Func<T, bool> done)
    {
        for (var i = 0; ; i++)
        {
            var answer = await ask();
            if (done(answer) || i == 1200)
            {
                return answer;
            }

            (answer as IDisposable)?.Dispose();
            await System.Threading.Tasks.Task.Delay(50);
        }
    }

    private static Task<T> WaitAsync<T>(Func<T> ask, Func<T, bool> done) => WaitAsync(() => System.Threading.Tasks.Task.FromResult(ask()), done);

    public void Dispose()
    {
        _http.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
