using FhirAdapter.Core.Privacy;
using FhirAdapter.Store.Disclosures;

namespace FhirAdapter.Store.Tests.Contracts;

public abstract class DisclosureStoreContract<TFixture>(TFixture fixture) : StoreContract<TFixture>(fixture)
    where TFixture : IStoreFixture
{
    private static Disclosure At(string id, string patientKey, DateTimeOffset at, DisclosureChannel channel = DisclosureChannel.Push) =>
        new(id, patientKey, "org-1", "TREAT", "CNS-1", channel, at, ["Encounter/1", "Patient/2"], $$"""{"resourceType":"AuditEvent","id":"{{id}}"}""");

    [Fact]
    public async Task Queries_a_patients_disclosures_since_a_date_and_keeps_the_first_of_one_id()
    {
        await Store.RecordDisclosureAsync(At("a", "p-1", Start.AddDays(-10)), Ct);
        await Store.RecordDisclosureAsync(At("b", "p-1", Start.AddDays(-1), DisclosureChannel.Pull), Ct);
        await Store.RecordDisclosureAsync(At("c", "p-2", Start), Ct);
        await Store.RecordDisclosureAsync(At("b", "p-1", Start) with { Purpose = "HPAYMT" }, Ct);

        var all = await Store.GetDisclosuresAsync("p-1", null, Ct);
        Assert.Equal(["a", "b"], all.Select(d => d.Id));
        var recent = Assert.Single(await Store.GetDisclosuresAsync("p-1", Start.AddDays(-2), Ct));
        Assert.Equal((DisclosureChannel.Pull, "TREAT", Start.AddDays(-1)), (recent.Channel, recent.Purpose, recent.DisclosedAt));
        Assert.Equal(["Encounter/1", "Patient/2"], recent.ResourceIds);
        Assert.Contains("AuditEvent", recent.AuditEventJson, StringComparison.Ordinal);
        Assert.Empty(await Store.GetDisclosuresAsync("p-3", null, Ct));
    }

    [Fact]
    public async Task Searches_one_organizations_disclosures_by_patient_id_and_time_in_pages_in_time_order()
    {
        await Store.RecordDisclosureAsync(At("d", "p-2", Start.AddDays(-1)), Ct);
        await Store.RecordDisclosureAsync(At("a", "p-1", Start.AddDays(-10)), Ct);
        await Store.RecordDisclosureAsync(At("b", "p-1", Start.AddDays(-1), DisclosureChannel.Pull), Ct);
        await Store.RecordDisclosureAsync(At("c", "p-1", Start.AddDays(-5)) with { OrganizationId = "org-2" }, Ct);

        async Task<List<string>> Ids(DisclosureSearch search) => [.. (await Store.SearchDisclosuresAsync(search, Ct)).Select(d => d.Id)];

        // b and d were disclosed at the same instant: the id breaks the tie, the same on every provider.
        Assert.Equal(["a", "b", "d"], await Ids(new() { OrganizationId = "org-1" }));
        Assert.Equal(["c"], await Ids(new() { OrganizationId = "org-2" }));
        Assert.Equal(["a", "b"], await Ids(new() { OrganizationId = "org-1", PatientKey = "p-1" }));
        Assert.Equal(["b"], await Ids(new() { OrganizationId = "org-1", Id = "b" }));
        Assert.Empty(await Ids(new() { OrganizationId = "org-1", Id = "c" })); // another organization's entry is not found
        Assert.Equal(["b", "d"], await Ids(new() { OrganizationId = "org-1", From = Start.AddDays(-1) }));
        Assert.Equal(["a"], await Ids(new() { OrganizationId = "org-1", Before = Start.AddDays(-1) }));
        Assert.Empty(await Ids(new() { OrganizationId = "org-3" }));

        Assert.Equal(["a", "b"], await Ids(new() { OrganizationId = "org-1", Limit = 2 }));
        Assert.Equal(["d"], await Ids(new() { OrganizationId = "org-1", Limit = 2, After = "b" }));
        Assert.Empty(await Ids(new() { OrganizationId = "org-1", Limit = 2, After = "d" }));
        Assert.Empty(await Ids(new() { OrganizationId = "org-1", After = "c" })); // another organization's id starts no page

        var read = (await Store.SearchDisclosuresAsync(new() { OrganizationId = "org-1", Id = "b" }, Ct)).Single();
        Assert.Equal(("p-1", DisclosureChannel.Pull, Start.AddDays(-1), "CNS-1"), (read.PatientKey, read.Channel, read.DisclosedAt, read.ConsentRecordId));
        Assert.Equal(["Encounter/1", "Patient/2"], read.ResourceIds);
    }
}
