using FhirAdapter.Core.Reading;
using FhirAdapter.Store.Quarantine;
using FhirAdapter.Store.Records;
using static FhirAdapter.Store.Tests.TestRecords;

namespace FhirAdapter.Store.Tests.Contracts;

public abstract class QuarantineStoreContract<TFixture>(TFixture fixture) : StoreContract<TFixture>(fixture)
    where TFixture : IStoreFixture
{
    private static readonly SourceLocation Where = new("2026-03-19_intakes.ndjson", Line: 7);

    private static QuarantineEntry Entry(string reason = "must be a date like 1980-04-30") =>
        QuarantineEntry.FromErrors([new RecordError(Where, "INT-7", "patient.dateOfBirth", reason), new RecordError(Where, "INT-7", "updatedAt", "is required")], """{"recordId":"INT-7"}""");

    [Fact]
    public async Task Lists_and_shows_a_quarantined_record_once_however_often_it_is_read()
    {
        var first = await Store.IngestAsync(new IngestBatch { Rejected = [Entry()] }, Ct);
        Time.Advance(TimeSpan.FromMinutes(1));
        var again = await Store.IngestAsync(new IngestBatch { Rejected = [Entry()] }, Ct);

        Assert.Equal(first.QuarantineIds, again.QuarantineIds);
        var listed = Assert.Single(await Store.ListQuarantineAsync(10, Ct));
        var shown = await Store.GetQuarantinedAsync(listed.Id, Ct);
        Assert.Equal(listed, shown);
        Assert.Equal((Where, "INT-7", "patient.dateOfBirth, updatedAt"), (shown!.Source, shown.RecordId, shown.Field));
        Assert.Equal("patient.dateOfBirth: must be a date like 1980-04-30; updatedAt: is required", shown.Reason);
        Assert.Equal("""{"recordId":"INT-7"}""", shown.RawText);
        Assert.Equal((Start, Start.AddMinutes(1)), (shown.QuarantinedAt, shown.LastSeenAt));
        Assert.Equal(1, await Store.CountQuarantineAsync(Ct));
        Assert.Null(await Store.GetQuarantinedAsync(listed.Id + 100, Ct));
    }

    [Fact]
    public async Task A_failed_retry_is_counted_and_a_successful_one_deletes_the_entry_with_the_record()
    {
        var id = (await Store.IngestAsync(new IngestBatch { Rejected = [Entry()] }, Ct)).QuarantineIds[0];

        Assert.True(await Store.MarkRetriedAsync(id, "patient.dateOfBirth", "still not a date", Ct));
        var retried = await Store.GetQuarantinedAsync(id, Ct);
        Assert.Equal((1, (DateTimeOffset?)Start, "still not a date"), (retried!.RetryCount, retried.LastRetriedAt, retried.Reason));
        Assert.False(await Store.MarkRetriedAsync(id + 100, null, null, Ct));

        await Store.IngestAsync(Batch(Intake()) with { ResolvedQuarantineIds = [id] }, Ct);

        Assert.Null(await Store.GetQuarantinedAsync(id, Ct));
        Assert.NotNull(await Store.GetCurrentRecordAsync(RecordKind.Intake, Intake().RecordId, Ct));
    }

    [Fact]
    public async Task Deletes_an_entry()
    {
        var id = (await Store.IngestAsync(new IngestBatch { Rejected = [Entry()] }, Ct)).QuarantineIds[0];
        Assert.True(await Store.DeleteQuarantinedAsync(id, Ct));
        Assert.False(await Store.DeleteQuarantinedAsync(id, Ct));
        Assert.Empty(await Store.ListQuarantineAsync(10, Ct));
    }
}
