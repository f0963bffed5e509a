using FhirAdapter.Store.Api;

namespace FhirAdapter.Store.Tests.Contracts;

/// <summary>The pull API's shared state (migration 0006): what one instance stores, another (or the same after a restart) finds.</summary>
public abstract class ApiStateStoreContract<TFixture>(TFixture fixture) : StoreContract<TFixture>(fixture)
    where TFixture : IStoreFixture
{
    private static ApiExportJob Job(string id, string client = "ehr-a") =>
        new(id, client, ApiExportState.Queued, """{"types":["Patient"]}""", Start, Start, null, null, 0, 0, null, null, null, false);

    [Fact]
    public async Task A_token_is_found_by_its_hash_on_another_instance_until_it_expires()
    {
        var other = Fixture.Reopen(Store, Time);
        await Store.SaveAccessTokenAsync(new ApiAccessToken("h1", "ehr-a", "system/*.rs", Start, Start.AddMinutes(5)), Ct);

        Assert.Equal(new ApiAccessToken("h1", "ehr-a", "system/*.rs", Start, Start.AddMinutes(5)), await other.FindAccessTokenAsync("h1", Ct));
        Assert.Null(await other.FindAccessTokenAsync("h2", Ct));
        Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(await other.FindAccessTokenAsync("h1", Ct));
        Assert.Equal(1, await Store.DeleteExpiredAuthStateAsync(Ct));
    }

    [Fact]
    public async Task An_assertion_id_is_accepted_once_across_instances_and_may_return_after_it_expired()
    {
        var other = Fixture.Reopen(Store, Time);
        Assert.True(await Store.TryUseAssertionIdAsync("ehr-a", "j1", Start.AddMinutes(5), Ct));
        Assert.False(await other.TryUseAssertionIdAsync("ehr-a", "j1", Start.AddMinutes(5), Ct));
        Assert.True(await other.TryUseAssertionIdAsync("ehr-b", "j1", Start.AddMinutes(5), Ct)); // per client

        Time.Advance(TimeSpan.FromMinutes(6));
        Assert.True(await other.TryUseAssertionIdAsync("ehr-a", "j1", Start.AddMinutes(11), Ct));
        Assert.Equal(1, await Store.DeleteExpiredAuthStateAsync(Ct)); // ehr-b's
    }

    [Fact]
    public async Task Export_jobs_are_limited_per_client_claimed_once_renewed_released_and_taken_over_when_their_lease_runs_out()
    {
        Assert.True(await Store.AddExportJobAsync(Job("x1"), 1, Ct));
        Assert.False(await Store.AddExportJobAsync(Job("x2"), 1, Ct));
        Assert.True(await Store.AddExportJobAsync(Job("y1", "ehr-b"), 1, Ct));
        var other = Fixture.Reopen(Store, Time);

        var claimed = await Store.ClaimExportJobAsync("node-1", Ct);
        Assert.Equal(("x1", ApiExportState.Running, "node-1", 1), (claimed!.Id, claimed.State, claimed.Owner, claimed.Attempt));
        var second = await other.ClaimExportJobAsync("node-2", Ct);
        Assert.Equal("y1", second!.Id);
        Assert.Null(await other.ClaimExportJobAsync("node-2", Ct));

        Assert.True(await Store.UpdateExportJobAsync(claimed with { PatientsExported = 7 }, "node-1", Ct));
        Assert.False(await other.UpdateExportJobAsync(claimed with { PatientsExported = 9 }, "node-2", Ct));
        Assert.Equal(7, (await other.FindExportJobAsync("x1", Ct))!.PatientsExported);

        // A stopped instance gives its job back; a killed one loses it when its lease runs out.
        await other.ReleaseExportJobAsync("y1", "node-2", Ct);
        Assert.Equal(("y1", 2), ((await Store.ClaimExportJobAsync("node-1", Ct))!.Id, 2));
        Time.Advance(new StoreOptions().LeaseDuration + TimeSpan.FromSeconds(1));
        var taken = await other.ClaimExportJobAsync("node-2", Ct);
        Assert.Equal(("node-2", 2), (taken!.Owner, taken.Attempt));
        Assert.False(await Store.UpdateExportJobAsync(claimed, "node-1", Ct));

        var done = taken with { State = ApiExportState.Completed, FilesJson = "[]", ExpiresAt = Time.GetUtcNow().AddHours(1) };
        Assert.True(await other.UpdateExportJobAsync(done, "node-2", Ct));
        var found = await Store.FindExportJobAsync("x1", Ct);
        Assert.Equal((ApiExportState.Completed, (string?)null, (DateTimeOffset?)null, "[]", false), (found!.State, found.Owner, found.LeaseUntil, found.FilesJson, found.DisclosuresRecorded));
        await Store.MarkExportDisclosedAsync("x1", Ct);
        Assert.True((await other.FindExportJobAsync("x1", Ct))!.DisclosuresRecorded);
        Assert.True(await Store.AddExportJobAsync(Job("x3"), 1, Ct)); // x1 is no longer active

        Assert.Empty(await Store.GetExpiredExportJobsAsync(Ct));
        Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(["x1"], (await Store.GetExpiredExportJobsAsync(Ct)).Select(j => j.Id));
        Assert.True(await Store.DeleteExportJobAsync("x1", Ct));
        Assert.False(await Store.DeleteExportJobAsync("x1", Ct));
        Assert.Null(await other.FindExportJobAsync("x1", Ct));
    }

    [Fact]
    public async Task Clients_are_registered_replaced_listed_and_removed()
    {
        var a = new ApiClientRegistration("ehr-a", "bhn", "treatment", "system/*.rs", """{"keys":[]}""", null, null, Start);
        var b = new ApiClientRegistration("ehr-b", "sfh", "payment", "system/Patient.rs", null, "https://ehr.example/jwks.json", 10, Start);
        await Store.SaveClientAsync(b, Ct);
        await Store.SaveClientAsync(a, Ct);
        await Store.SaveClientAsync(a with { OrganizationId = "pbpca" }, Ct);

        var other = Fixture.Reopen(Store, Time);
        Assert.Equal([a with { OrganizationId = "pbpca" }, b], await other.GetClientsAsync(Ct));
        Assert.Equal(b, await other.FindClientAsync("ehr-b", Ct));
        Assert.True(await other.RemoveClientAsync("ehr-b", Ct));
        Assert.False(await Store.RemoveClientAsync("ehr-b", Ct));
        Assert.Null(await Store.FindClientAsync("ehr-b", Ct));
    }

    [Fact]
    public async Task A_served_version_moves_once_per_change_of_what_is_served()
    {
        var mapped = Start.AddMinutes(-10);
        var first = await Store.TrackServedVersionsAsync("p1", [new("Patient", "a", "h1", mapped), new("Encounter", "b", "e1", mapped)], Ct);
        Assert.Equal([new ServedVersion("Patient", "a", 1, mapped), new ServedVersion("Encounter", "b", 1, mapped)], first);

        // The same again: unchanged. Labels changed (the hash, not the content's time): the next version, as of now.
        Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(first, await Store.TrackServedVersionsAsync("p1", [new("Patient", "a", "h1", mapped), new("Encounter", "b", "e1", mapped)], Ct));
        var relabelled = await Store.TrackServedVersionsAsync("p1", [new("Patient", "a", "h2", mapped)], Ct);
        Assert.Equal([new ServedVersion("Patient", "a", 2, Time.GetUtcNow())], relabelled);

        // New content: the next version, as of the content's time; another instance seeing the same change counts it once.
        Time.Advance(TimeSpan.FromSeconds(30));
        var remapped = Time.GetUtcNow();
        Time.Advance(TimeSpan.FromSeconds(30));
        var other = Fixture.Reopen(Store, Time);
        Assert.Equal([new ServedVersion("Patient", "a", 3, remapped)], await Store.TrackServedVersionsAsync("p1", [new("Patient", "a", "h3", remapped)], Ct));
        Assert.Equal([new ServedVersion("Patient", "a", 3, remapped)], await other.TrackServedVersionsAsync("p1", [new("Patient", "a", "h3", remapped)], Ct));
    }
}
