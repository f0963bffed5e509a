using System.Text.RegularExpressions;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Operations.Tests.Support;
using FhirAdapter.Store;
using FhirAdapter.Worker.Commands;
using Microsoft.Playwright;

namespace FhirAdapter.Operations.Tests.EndToEnd;

/// <summary>
/// The console in a real headless Chromium, as clinic IT uses it: sign in, read the figures, fix and retry a
/// quarantined record, look up a patient, sync now and watch it. Each page's screenshot is saved under the test
/// output's <c>screenshots/</c> folder.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class BrowserTests(ConsoleFixture fixture)
{
    private async Task<IPage> SignedInAsync(string name)
    {
        var context = await fixture.NewBrowserContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        Assert.EndsWith("/signin?ReturnUrl=%2F", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#name", name);
        await page.FillAsync("#password", ConsoleFixture.Password);
        await page.ClickAsync("#signin");
        await page.WaitForURLAsync(new Regex("/$"));
        return page;
    }

    private Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(fixture.Screenshots, name + ".png"), FullPage = true });

    [Fact]
    public async Task Without_sign_in_the_browser_lands_on_the_sign_in_page()
    {
        var context = await fixture.NewBrowserContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync("/destinations");

        Assert.EndsWith("/signin?ReturnUrl=%2Fdestinations", page.Url, StringComparison.Ordinal);
        Assert.True(await page.IsVisibleAsync("#password"));
        await ScreenshotAsync(page, "signin");
        await context.CloseAsync();
    }

    [Fact]
    public async Task An_operator_sees_the_stores_figures_on_every_page_and_no_patient_data()
    {
        await fixture.WaitForSyncAsync(fixture.Sync.Current.Generation);
        var page = await SignedInAsync(ConsoleFixture.Operator);
        var summary = await fixture.Store.GetSummaryAsync(TimeSpan.FromDays(3), CancellationToken.None);
        Assert.Equal(summary.CurrentRecords, Figures.Parse(await page.InnerTextAsync("[data-figure='current-records']")));
        Assert.Equal(summary.Held, Figures.Parse(await page.InnerTextAsync("[data-figure='held']")));
        Assert.Equal(summary.Quarantined, Figures.Parse(await page.InnerTextAsync("[data-figure='quarantined']")));
        await ScreenshotAsync(page, "now");

        await page.ClickAsync("nav >> text=Destinations");
        var counts = (await fixture.Store.CountDeliveriesAsync(CancellationToken.None)).Single();
        Assert.Equal(counts.Sent, Figures.Parse(await page.InnerTextAsync("#destinations [data-figure='Sent']")));
        Assert.Equal(counts.PendingPatients, Figures.Parse(await page.InnerTextAsync("#destinations [data-figure='PendingPatients']")));
        Assert.Equal(counts.NotPermittedPatients, Figures.Parse(await page.InnerTextAsync("#destinations [data-figure='NotPermittedPatients']")));
        await ScreenshotAsync(page, "destinations");

        var shown = new List<string> { await page.ContentAsync() };
        foreach (var (link, name) in new[] { ("Quarantine & held", "quarantine"), ("About", "about") })
        {
            await page.ClickAsync($"nav >> text={link}");
            shown.Add(await page.ContentAsync());
            await ScreenshotAsync(page, name);
        }

        await page.GotoAsync("/");
        await page.ClickAsync("#runs a >> text=report");
        await ScreenshotAsync(page, "report");
        shown.Add(await page.ContentAsync());
        shown.Add(await page.InnerTextAsync("body"));
        foreach (var html in shown)
        {
            PatientData.AssertNone(fixture.Patients, html, page.Url);
        }

        Assert.DoesNotContain(await page.Locator("nav a").AllInnerTextsAsync(), t => t == "Patients");
        var key = fixture.Service<RecordMapper>().PatientKey(fixture.Patients[0].Mrn);
        var forbidden = await page.GotoAsync($"/patients/{key}");
        Assert.Equal(403, forbidden!.Status);
        PatientData.AssertNone(fixture.Patients, await page.ContentAsync(), "/patients/{key}");
        await ScreenshotAsync(page, "forbidden");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_quarantined_record_whose_file_was_fixed_is_retried_from_the_page()
    {
        var entry = (await fixture.Store.ListQuarantineAsync(100, CancellationToken.None)).Single(q => q.RecordId == ConsoleFixture.BrokenRecordId);
        var page = await SignedInAsync(ConsoleFixture.Operator);
        await page.GotoAsync("/quarantine");
        var row = page.Locator($"tr[data-quarantine='{entry.Id}']");
        Assert.Contains("startedAt", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains(ConsoleFixture.BrokenFile + " line 1", await row.InnerTextAsync(), StringComparison.Ordinal);

        await fixture.FixBrokenFile();
        await page.ClickAsync($"button[data-retry='{entry.Id}']");

        Assert.Contains("valid now", await page.InnerTextAsync("#retry-result"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator($"tr[data-quarantine='{entry.Id}']").CountAsync());
        Assert.Null(await fixture.Store.GetQuarantinedAsync(entry.Id, CancellationToken.None));
        Assert.NotNull(await fixture.Store.GetCurrentRecordAsync(FhirAdapter.Core.Reading.RecordKind.Session, ConsoleFixture.BrokenRecordId, CancellationToken.None));
        await ScreenshotAsync(page, "quarantine-retried");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_privacy_user_looks_up_a_patient_and_the_view_is_recorded()
    {
        var patient = fixture.Patients[0];
        var key = fixture.Service<RecordMapper>().PatientKey(patient.Mrn);
        var before = (await fixture.Service<IPatientViewStore>().GetPatientViewsAsync(key, 1000, CancellationToken.None)).Count;
        var page = await SignedInAsync(ConsoleFixture.Privacy);

        await page.ClickAsync("nav >> text=Patients");
        await page.FillAsync("#mrn", patient.Mrn);
        await page.ClickAsync("form.stack button");
        await page.WaitForURLAsync($"**/patients/{key}");

        Assert.Contains(patient.LastName, await page.InnerTextAsync("#patient-name"), StringComparison.Ordinal);
        Assert.DoesNotContain(patient.Mrn, page.Url, StringComparison.Ordinal);
        var views = await fixture.Service<IPatientViewStore>().GetPatientViewsAsync(key, 1000, CancellationToken.None);
        Assert.Equal(before + 1, views.Count);
        Assert.Equal(ConsoleFixture.Privacy, views[0].OperatorName);
        Assert.Contains(ConsoleFixture.Privacy, await page.InnerTextAsync("#views tbody tr:first-child"), StringComparison.Ordinal);
        await ScreenshotAsync(page, "patient");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Sync_now_starts_a_sync_and_its_progress_moves_on_the_page()
    {
        // New patients in the inbox, so that the sync has real work to show.
        var generated = Path.Combine(fixture.Directory, "generated");
        using (var output = new StringWriter())
        {
            Assert.Equal(0, await AdapterCommandLine.RunAsync(["generate", "--patients", "4", "--seed", "17", "--start-date", "2026-03-01", "--output", generated], output, output));
        }

        foreach (var file in Directory.GetFiles(generated).Where(f => !f.EndsWith(".md", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith('.')))
        {
            File.Copy(file, Path.Combine(fixture.Inbox, "2026-03-21_generated-" + Path.GetFileName(file)));
        }

        var runsBefore = (await fixture.Service<ISyncReportStore>().GetSyncReportsAsync(100, CancellationToken.None)).Count;
        var generation = fixture.Sync.Current.Generation;
        var page = await SignedInAsync(ConsoleFixture.Operator);
        Assert.Equal("Sync now", await page.InnerTextAsync("#sync-now"));

        await page.ClickAsync("#sync-now");

        // The button says a sync runs, and the progress the page polls moves on.
        var seen = new List<string>();
        var screenshot = false;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (!deadline.IsCancellationRequested)
        {
            // Read in one go: the page's script updates the card and the button together, once a second.
            string[] shown;
            try
            {
                shown = await page.EvaluateAsync<string[]>("""
                    () => [document.getElementById('sync-status').dataset.running, String(document.getElementById('sync-now').disabled),
                           document.getElementById('sync-stage').textContent, document.getElementById('sync-done').textContent]
                    """);
            }
            catch (PlaywrightException) when (!deadline.IsCancellationRequested)
            {
                // The page reloads itself when the sync ends (to show the new report): read the new page.
                await page.WaitForLoadStateAsync();
                continue;
            }

            var running = shown[0] == "true";
            if (!running && fixture.Sync.Current.Generation > generation && !fixture.Sync.Current.Running)
            {
                break;
            }

            if (running)
            {
                Assert.Equal("true", shown[1]); // the button says a sync runs and cannot be pressed
                if (fixture.Sync.Current.Running)
                {
                    Assert.False(fixture.Sync.TryStartNow("a second click"), "one sync at a time per instance");
                }

                var state = $"{shown[2]} {shown[3]}";
                if (seen.Count == 0 || seen[^1] != state)
                {
                    seen.Add(state);
                }

                if (!screenshot && state.StartsWith("Mapping", StringComparison.Ordinal) && shown[3].Contains(" of ", StringComparison.Ordinal))
                {
                    await ScreenshotAsync(page, "now-syncing");
                    screenshot = true;
                }
            }

            await Task.Delay(200);
        }

        Assert.True(seen.Count >= 2, $"the progress moved: {string.Join(" | ", seen)}");
        Assert.True(fixture.Sync.Current.Generation > generation);
        await fixture.WaitForSyncAsync(generation + 1);
        var runs = await fixture.Service<ISyncReportStore>().GetSyncReportsAsync(100, CancellationToken.None);
        Assert.Equal(runsBefore + 1, runs.Count);
        await page.WaitForSelectorAsync($"#runs tr[data-run='{runs[0].Run.Id}']");
        Assert.Equal("Sync now", await page.InnerTextAsync("#sync-now"));
        await page.Context.CloseAsync();
    }
}
