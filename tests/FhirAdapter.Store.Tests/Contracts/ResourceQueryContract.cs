using FhirAdapter.Store.Patients;
using FhirAdapter.Store.Search;
using static FhirAdapter.Store.Tests.TestRecords;

namespace FhirAdapter.Store.Tests.Contracts;

/// <summary>Cross-patient search (<see cref="IResourceQuery"/>) as the pull API uses it.</summary>
public abstract class ResourceQueryContract<TFixture>(TFixture fixture) : StoreContract<TFixture>(fixture)
    where TFixture : IStoreFixture
{
    private IResourceQuery Query => ResourceQueries.From(Store);

    private async Task SaveAsync(string patientKey, params MappedResource[] resources) =>
        await Store.SavePatientMappingAsync(new PatientMapping(patientKey, 0, resources, [], []), Ct);

    private static MappedResource Canonical(string id, string url, string version) =>
        Resource("Questionnaire", id, $$"""{"resourceType":"Questionnaire","url":"{{url}}","version":"{{version}}"}""");

    [Fact]
    public async Task Finds_by_type_patient_logical_id_and_identifier_in_position_order()
    {
        await SaveAsync("p-a", Resource("Patient", "A", Json("Patient", "A")), Resource("Encounter", "A.1", Json("Encounter", "A.1")), Resource("Encounter", "A.2", Json("Encounter", "A.2")));
        await SaveAsync("p-b", Resource("Patient", "B", Json("Patient", "B")), Resource("Encounter", "B.1", Json("Encounter", "B.1")));

        var encounters = await Query.SearchAsync(new ResourceSearch { ResourceType = "Encounter" }, Ct);
        Assert.Equal(["A.1", "A.2", "B.1"], encounters.Select(m => m.Resource.Identifier.Split('|')[1]));
        Assert.True(encounters.Zip(encounters.Skip(1)).All(p => p.First.Position < p.Second.Position));

        var ofB = await Query.SearchAsync(new ResourceSearch { ResourceType = "Encounter", PatientKey = "p-b" }, Ct);
        Assert.Equal("p-b", Assert.Single(ofB).Resource.PatientKey);

        var patientA = (await Query.SearchAsync(new ResourceSearch { ResourceType = "Patient", PatientKey = "p-a" }, Ct)).Single().Resource;
        var byId = await Query.SearchAsync(new ResourceSearch { LogicalId = patientA.LogicalId }, Ct);
        Assert.Equal(patientA, Assert.Single(byId).Resource);

        Assert.Single(await Query.SearchAsync(new ResourceSearch { ResourceType = "Patient", Identifier = "https://fhir.kwc.example/sid/record|B" }, Ct));
        Assert.Single(await Query.SearchAsync(new ResourceSearch { ResourceType = "Patient", IdentifierValue = "B" }, Ct));
        Assert.Empty(await Query.SearchAsync(new ResourceSearch { ResourceType = "Patient", IdentifierValue = "record|B" }, Ct));
        Assert.Empty(await Query.SearchAsync(new ResourceSearch { ResourceType = "Patient", Identifier = "other|B" }, Ct));
    }

    [Fact]
    public async Task Pages_by_position_without_repeats_or_gaps()
    {
        await SaveAsync("p-a", [.. Enumerable.Range(0, 25).Select(i => Resource("Observation", $"o{i}", Json("Observation", $"o{i}")))]);
        var seen = new List<string>();
        long after = 0;
        while (true)
        {
            var page = await Query.SearchAsync(new ResourceSearch { ResourceType = "Observation", After = after, Limit = 10 }, Ct);
            if (page.Count == 0)
            {
                break;
            }

            seen.AddRange(page.Select(m => m.Resource.Identifier));
            after = page[^1].Position;
        }

        Assert.Equal(25, seen.Count);
        Assert.Equal(25, seen.Distinct().Count());
    }

    [Fact]
    public async Task Leaves_out_invalid_and_removed_resources_unless_asked_for_invalid()
    {
        await SaveAsync("p-a", Resource("Encounter", "ok", Json("Encounter", "ok")), Resource("Encounter", "bad", Json("Encounter", "bad"), valid: false),
            Resource("Encounter", "gone", Json("Encounter", "gone")));
        await SaveAsync("p-a", Resource("Encounter", "ok", Json("Encounter", "ok")), Resource("Encounter", "bad", Json("Encounter", "bad"), valid: false));

        var valid = await Query.SearchAsync(new ResourceSearch { ResourceType = "Encounter" }, Ct);
        Assert.Equal("https://fhir.kwc.example/sid/record|ok", Assert.Single(valid).Resource.Identifier);
        var all = await Query.SearchAsync(new ResourceSearch { ResourceType = "Encounter", IncludeInvalid = true }, Ct);
        Assert.Equal(2, all.Count);
    }

    [Fact]
    public async Task Filters_on_last_updated_as_a_half_open_interval()
    {
        await SaveAsync("p-a", Resource("Encounter", "first", Json("Encounter", "first")));
        Time.Advance(TimeSpan.FromHours(1));
        await SaveAsync("p-b", Resource("Encounter", "second", Json("Encounter", "second")));

        var later = await Query.SearchAsync(new ResourceSearch { ResourceType = "Encounter", UpdatedFrom = Start.AddMinutes(30) }, Ct);
        Assert.Equal("p-b", Assert.Single(later).Resource.PatientKey);
        Assert.Equal(Start.AddHours(1), later[0].Resource.MappedAt);
        var earlier = await Query.SearchAsync(new ResourceSearch { ResourceType = "Encounter", UpdatedBefore = Start.AddHours(1) }, Ct);
        Assert.Equal("p-a", Assert.Single(earlier).Resource.PatientKey);
        Assert.Single(await Query.SearchAsync(new ResourceSearch { ResourceType = "Encounter", UpdatedFrom = Start, UpdatedBefore = Start.AddTicks(1) }, Ct));
    }

    [Fact]
    public async Task Finds_canonical_resources_by_url_and_version()
    {
        await SaveAsync(StoreKeys.Questionnaires, Canonical("q1|1", "https://q.example/Questionnaire/intake", "1"), Canonical("q1|2", "https://q.example/Questionnaire/intake", "2"),
            Canonical("q2|1", "https://q.example/Questionnaire/other", "1"));

        Assert.Equal(2, (await Query.SearchAsync(new ResourceSearch { ResourceType = "Questionnaire", CanonicalUrl = "https://q.example/Questionnaire/intake" }, Ct)).Count);
        var v2 = await Query.SearchAsync(new ResourceSearch { ResourceType = "Questionnaire", CanonicalUrl = "https://q.example/Questionnaire/intake", CanonicalVersion = "2" }, Ct);
        Assert.Contains("\"2\"", Assert.Single(v2).Resource.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_patient_keys_in_order_without_the_questionnaires_key()
    {
        foreach (var key in new[] { "p-c", "p-a", "p-b" })
        {
            await SaveAsync(key, Resource("Patient", key, Json("Patient", key)));
        }

        await SaveAsync("p-invalid-only", Resource("Patient", "x", Json("Patient", "x"), valid: false));
        await SaveAsync(StoreKeys.Questionnaires, Canonical("q", "https://q.example/Questionnaire/q", "1"));

        Assert.Equal(["p-a", "p-b"], await Query.GetPatientKeysAsync(null, 2, Ct));
        Assert.Equal(["p-c"], await Query.GetPatientKeysAsync("p-b", 10, Ct));
    }

    [Fact]
    public async Task Refuses_out_of_range_criteria()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Query.SearchAsync(new ResourceSearch { Limit = 0 }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Query.SearchAsync(new ResourceSearch { CanonicalVersion = "1" }, Ct));
    }
}
