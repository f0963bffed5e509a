using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace FhirAdapter.Benchmarks;

/// <summary>
/// The baseline of the delivery rate (docs/PERFORMANCE.md): the same FHIR server fed directly, with none of the
/// adapter's work, in transactions of conditional updates of N entries at a given concurrency.
/// <c>feed --server URL --input DIR [--entries 10] [--concurrency 4]</c> reads every <c>*.ndjson</c> of DIR (resources, e.g.
/// what a server held after a backfill: their ids and versions are dropped; references are left as they are), writes
/// each as <c>PUT Type?identifier=system|value</c> (a Questionnaire by url and version, a Provenance by its tag), checks
/// that every entry was stored, and prints resources per second.
/// </summary>
internal static class DirectFeed
{
    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var server = Arg("--server", "").TrimEnd('/');
        var input = Arg("--input", "");
        var size = int.Parse(Arg("--entries", "10"), CultureInfo.InvariantCulture);
        var concurrency = int.Parse(Arg("--concurrency", "4"), CultureInfo.InvariantCulture);
        if (server.Length == 0 || !Directory.Exists(input))
        {
            await Console.Error.WriteLineAsync("usage: feed --server URL --input DIR [--entries 10] [--concurrency 4]").ConfigureAwait(false);
            return 2;
        }

        var entries = Directory.EnumerateFiles(input, "*.ndjson").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadLines).Where(l => l.Length > 0).Select(l => Entry(JsonNode.Parse(l)!.AsObject())).ToList();
        var transactions = entries.Chunk(size).Select(chunk => new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "transaction",
            ["entry"] = new JsonArray([.. chunk]),
        }.ToJsonString()).ToList();

        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        var failed = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(transactions, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (body, ct) =>
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/fhir+json");
            using var request = new HttpRequestMessage(HttpMethod.Post, server) { Content = content };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
            using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
            var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            var bad = !response.IsSuccessStatusCode ? 1 : (answer?["entry"]?.AsArray() ?? []).Count(e => !((string?)e?["response"]?["status"] ?? "").StartsWith('2'));
            Interlocked.Add(ref failed, bad);
        }).ConfigureAwait(false);
        clock.Stop();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"direct feed: {entries.Count} resources in {transactions.Count} transactions of {size}, concurrency {concurrency}: {clock.Elapsed.TotalSeconds:F1} s, {entries.Count / clock.Elapsed.TotalSeconds:F0} resources/s, {failed} failed"));
        return failed == 0 ? 0 : 1;
    }

    private static JsonObject Entry(JsonObject resource)
    {
        resource.Remove("id");
        if (resource["meta"] is JsonObject meta)
        {
            meta.Remove("versionId");
            meta.Remove("lastUpdated");
        }

        var type = (string)resource["resourceType"]!;
        var identifier = resource["identifier"] is JsonArray list ? list.FirstOrDefault() : resource["identifier"];
        var tag = resource["meta"]?["tag"]?.AsArray().FirstOrDefault();
        var url = type == "Questionnaire" ? $"Questionnaire?url={resource["url"]}&version={resource["version"]}"
            : identifier is not null ? $"{type}?identifier={identifier["system"]}|{identifier["value"]}"
            : $"{type}?_tag={tag!["system"]}|{tag["code"]}";
        return new JsonObject
        {
            ["fullUrl"] = "urn:uuid:" + Guid.NewGuid(),
            ["resource"] = resource,
            ["request"] = new JsonObject { ["method"] = "PUT", ["url"] = url },
        };
    }
}
