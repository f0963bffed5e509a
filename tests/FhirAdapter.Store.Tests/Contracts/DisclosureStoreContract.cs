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
}
