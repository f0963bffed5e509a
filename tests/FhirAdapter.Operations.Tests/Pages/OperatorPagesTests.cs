using System.Globalization;
using System.Net;
using System.Text.Json;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Operations.Pages;
using FhirAdapter.Operations.Tests.Support;
using FhirAdapter.Store;

namespace FhirAdapter.Operations.Tests.Pages;

/// <summary>The operational pages as the operator role sees them, compared with what the store holds.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class OperatorPagesTests(ConsoleFixture fixture) : IAsyncLifetime
{
    private readonly ConsoleClient _client = fixture.NewClient();

    public async Task InitializeAsync() => Assert.Equal(HttpStatusCode.Redirect, (await _client.SignInAsync(ConsoleFixture.Operator, ConsoleFixture.Password)).Status);

    public Task DisposeAsync()
    {
        _client.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_now_page_shows_the_stores_counts_and_the_last_syncs_reports()
    {
        await fixture.WaitForSyncAsync(fixture.Sync.Current.Generation);
        var page = await _client.GetAsync("/");
        var summary = await fixture.Store.GetSummaryAsync(TimeSpan.FromDays(3), CancellationToken.None);
        var runs = await fixture.Service<ISyncReportStore>().GetSyncReportsAsync(30, CancellationToken.None);

        Assert.True(summary.CurrentRecords > 0);
        Assert.Equal(summary.CurrentRecords, Figures.Of(page.Document, "current-records"));
        Assert.Equal(summary.DirtyPatients, Figures.Of(page.Document, "dirty-patients"));
        Assert.Equal(summary.Held, Figures.Of(page.Document, "held"));
        Assert.Equal(summary.Quarantined, Figures.Of(page.Document, "quarantined"));

        var rows = page.Document.QuerySelectorAll("#runs tbody tr");
        Assert.NotEmpty(runs);
        Assert.Equal(runs.Count, rows.Length);
        var first = rows[0];
        using var report = JsonDocument.Parse(runs[0].ReportJson!);
        var cells = first.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList();
        var expected = new[] { "RecordsRead", "PatientsMapped", "RecordsHeld", "RecordsRejected", "Sent", "WaitingForRetry", "Withheld", "Rejected" }
            .Select(name => report.RootElement.GetProperty(name).GetInt64()).ToList();
        Assert.Equal(expected, cells.Skip(3).Take(8).Select(Figures.Parse));
        Assert.True(expected[4] > 0, "the samples' sync sent resources to the FHIR server");
    }

    [Fact]
    public async Task The_destinations_page_shows_every_count_the_store_keeps_per_destination()
    {
        var page = await _client.GetAsync("/destinations");
        var counts = await fixture.Store.CountDeliveriesAsync(CancellationToken.None);

        var destination = Assert.Single(counts);
        var row = page.Document.QuerySelector($"#destinations tr[data-destination='{destination.Destination}']")!;
        Assert.NotEmpty(DestinationsModel.Columns);
        foreach (var column in DestinationsModel.Columns)
        {
            Assert.Equal(column.Read(destination), Figures.Of(row, column.Name));
        }

        Assert.True(destination.Sent > 0);
        Assert.Equal("closed", row.QuerySelector(".badge")!.TextContent);
        Assert.Equal(2, page.Document.QuerySelectorAll("svg.chart").Length);
        Assert.NotEmpty(page.Document.QuerySelectorAll("svg.chart rect.sent"));
    }

    [Fact]
    public async Task A_sync_report_shows_every_field_the_stored_report_has()
    {
        var run = (await fixture.Service<ISyncReportStore>().GetSyncReportsAsync(1, CancellationToken.None)).Single();
        var page = await _client.GetAsync($"/syncs/{run.Run.Id}");

        using var report = JsonDocument.Parse(run.ReportJson!);
        var names = report.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("Sent", names);
        Assert.Equal(names, page.Document.QuerySelectorAll("#report tr").Select(r => r.GetAttribute("data-field")));
        var sent = page.Document.QuerySelector("#report tr[data-field='Sent'] td")!.TextContent;
        Assert.Equal(report.RootElement.GetProperty("Sent").GetInt64(), Figures.Parse(sent));
    }

    [Fact]
    public async Task No_operational_page_shows_patient_data_to_an_operator()
    {
        var run = (await fixture.Service<ISyncReportStore>().GetSyncReportsAsync(1, CancellationToken.None)).Single();
        var quarantine = await _client.GetAsync("/quarantine");
        Assert.NotEmpty(quarantine.Document.QuerySelectorAll("#held tbody tr")); // held records are listed, by id and key
        foreach (var path in new[] { "/", "/destinations", "/quarantine", "/about", $"/syncs/{run.Run.Id}" })
        {
            var page = await _client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            PatientData.AssertNone(fixture.Patients, page.Body, path);
        }
    }

    [Theory]
    [InlineData("/patients")]
    [InlineData("/patients/{key}")]
    [InlineData("/patients/{key}?handler=Csv")]
    [InlineData("/quarantine/{quarantined}")]
    public async Task An_operator_gets_403_on_pages_with_patient_data(string template)
    {
        var key = fixture.Service<RecordMapper>().PatientKey(fixture.Patients[0].Mrn);
        var quarantined = (await fixture.Store.ListQuarantineAsync(10, CancellationToken.None)).FirstOrDefault()?.Id ?? 1;
        var path = template.Replace("{key}", key, StringComparison.Ordinal).Replace("{quarantined}", quarantined.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var page = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Contains("privacy", page.Text, StringComparison.Ordinal);
        PatientData.AssertNone(fixture.Patients, page.Body, path);
    }
}
