using System.Text.Json.Nodes;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Store;
using FhirAdapter.Worker.Sync;
using FhirAdapter.Worker.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FhirAdapter.Worker.Tests.Delivery;

/// <summary>
/// What a destination of an organization must hold after a sync, worked out from the store without the delivery code:
/// for every mapped patient whose consent permits the organization now, the resources the consent filter lets go
/// (labelled, with the disclosure notice), the shared ones once, and the Questionnaires; in the form
/// <see cref="ServerContents.SnapshotAsync"/> reads a server in.
/// </summary>
internal static class ExpectedContents
{
    public static async Task<SortedDictionary<string, string>> OfAsync(InProcessWorker worker, string storePath, string organization)
    {
        var store = worker.Store;
        var filter = worker.Get<DisclosureFilter>();
        var now = DateTimeOffset.UtcNow;
        var expected = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in await KeysAsync(storePath))
        {
            var resources = await store.GetResourcesAsync(key, CancellationToken.None);
            var bundle = StoredBundles.FromStored(resources);
            if (key != StoreKeys.Questionnaires)
            {
                var records = (await store.GetCurrentRecordsAsync(key, CancellationToken.None)).Select(r => r.ToClinicRecord()).ToList();
                var decision = ConsentDecider.Decide(records, organization, DisclosurePurpose.Treatment, now);
                if (!decision.IsPermitted || !filter.Carries(bundle, decision))
                {
                    continue;
                }

                bundle = filter.PrepareBundle(new PatientBundle(key, bundle, [.. records.Select(r => r.RecordId)]), decision, SensitivityClassifier.Classify(bundle));
            }

            var resourcesByUrl = bundle.Entry.ToDictionary(e => e.FullUrl!, e => JsonNode.Parse(FhirJson.Serialize(e.Resource!, pretty: false))!.AsObject());
            var identities = resourcesByUrl.ToDictionary(p => p.Key, p => $"{(string?)p.Value["resourceType"]} {ServerContents.Identity((string)p.Value["resourceType"]!, p.Value)}");
            foreach (var (url, resource) in resourcesByUrl)
            {
                expected[identities[url]] = ServerContents.Normalize(resource, r => identities.GetValueOrDefault(r, r));
            }
        }

        return expected;
    }

    private static async Task<List<string>> KeysAsync(string storePath)
    {
        await using var connection = new SqliteConnection($"Data Source={storePath};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT patient_key FROM patient_resource WHERE removed_at IS NULL ORDER BY 1";
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    /// <summary>For a failure message: resources a destination did not take (status other than sent/withheld), counted by status and reason.</summary>
    public static async Task<string> NotSentAsync(string storePath)
    {
        await using var connection = new SqliteConnection($"Data Source={storePath};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT status, COALESCE(reason, ''), COUNT(*) FROM destination_resource WHERE status NOT IN ('sent', 'withheld') GROUP BY 1, 2 ORDER BY 3 DESC";
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add($"{reader.GetInt64(2)} {reader.GetString(0)}: {reader.GetString(1)}");
        }

        return string.Join("\n", lines);
    }

    /// <summary>The differences, for a failure message: identities missing, extra, or held otherwise.</summary>
    public static string Diff(SortedDictionary<string, string> expected, SortedDictionary<string, string> actual)
    {
        var missing = expected.Keys.Except(actual.Keys).Take(10).Select(k => "missing: " + k);
        var extra = actual.Keys.Except(expected.Keys).Take(10).Select(k => "extra: " + k);
        var other = expected.Keys.Intersect(actual.Keys).Where(k => expected[k] != actual[k]).Take(3)
            .Select(k => $"differs: {k}\n  expected {expected[k]}\n  actual   {actual[k]}");
        return $"{expected.Count} expected, {actual.Count} held\n" + string.Join("\n", missing.Concat(extra).Concat(other));
    }
}
