using System.Net;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Operations.Tests.Support;
using FhirAdapter.Store;
using Hl7.Fhir.Model;

namespace FhirAdapter.Operations.Tests.Pages;

/// <summary>The privacy role's patient pages: looked up by MRN, every view and download recorded and listed.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class PrivacyPagesTests(ConsoleFixture fixture) : IAsyncLifetime
{
    private readonly ConsoleClient _client = fixture.NewClient();

    public async Task InitializeAsync() => Assert.Equal(HttpStatusCode.Redirect, (await _client.SignInAsync(ConsoleFixture.Privacy, ConsoleFixture.Password)).Status);

    public Task DisposeAsync()
    {
        _client.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A seeded patient whose records went to the destination (so the accounting has entries), and their key.</summary>
    private async Task<(FhirAdapter.Core.Reading.PatientInfo Patient, string Key, int Disclosures)> DisclosedPatientAsync()
    {
        var mapper = fixture.Service<RecordMapper>();
        foreach (var patient in fixture.Patients)
        {
            var key = mapper.PatientKey(patient.Mrn);
            var disclosures = await fixture.Store.GetDisclosuresAsync(key, null, CancellationToken.None);
            if (disclosures.Count > 0)
            {
                return (patient, key, disclosures.Count);
            }
        }

        throw new InvalidOperationException("No seeded patient was disclosed to the destination");
    }

    [Fact]
    public async Task Looking_up_an_MRN_opens_the_patients_page_and_records_the_view()
    {
        var (patient, key, disclosures) = await DisclosedPatientAsync();
        var lookup = await _client.GetAsync("/patients");
        var answer = await _client.SubmitAsync(lookup, "form.stack", new Dictionary<string, string> { ["mrn"] = patient.Mrn });
        Assert.Equal(HttpStatusCode.Redirect, answer.Status);
        Assert.Equal($"/patients/{key}", answer.Location!.OriginalString);
        Assert.DoesNotContain(patient.Mrn, answer.Location.OriginalString, StringComparison.Ordinal);

        var page = await _client.GetAsync(answer.Location.OriginalString);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal($"{patient.FirstName} {patient.LastName}", page.Document.QuerySelector("#patient-name")!.TextContent.Trim().Replace(patient.MiddleName + " ", "", StringComparison.Ordinal));
        Assert.Equal(patient.Mrn, page.Document.QuerySelector("#patient-mrn")!.TextContent.Trim());
        Assert.Equal(disclosures, page.Document.QuerySelectorAll("#disclosures tbody tr").Length);
        Assert.NotEmpty(page.Document.QuerySelectorAll("#deliveries tbody tr"));
        Assert.Contains(page.Document.QuerySelectorAll("#consent-states tbody tr"), r => r.TextContent.Contains("pbpca", StringComparison.Ordinal));

        var views = await fixture.Service<IPatientViewStore>().GetPatientViewsAsync(key, 10, CancellationToken.None);
        var latest = views[0];
        Assert.Equal(ConsoleFixture.Privacy, latest.OperatorName);
        Assert.Equal("patient page", latest.What);
        Assert.Contains(page.Document.QuerySelectorAll("#views tbody tr"), r => r.TextContent.Contains(ConsoleFixture.Privacy, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_MRN_says_so()
    {
        var lookup = await _client.GetAsync("/patients");
        var answer = await _client.SubmitAsync(lookup, "form.stack", new Dictionary<string, string> { ["mrn"] = "KWC-999999" });
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.NotNull(answer.Document.QuerySelector("#not-found"));
    }

    [Fact]
    public async Task The_accounting_downloads_as_CSV_and_as_a_FHIR_Bundle_of_AuditEvents_and_each_download_is_recorded()
    {
        var (_, key, disclosures) = await DisclosedPatientAsync();

        using var csv = await _client.RawGetAsync($"/patients/{key}?handler=Csv");
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("disclosed_at_utc,organization,channel,purpose,consent,resource_count,resources", lines[0], StringComparison.Ordinal);
        Assert.Equal(disclosures, lines.Length - 1);

        using var fhir = await _client.RawGetAsync($"/patients/{key}?handler=Fhir");
        var bundle = FhirJson.Parse<Bundle>(await fhir.Content.ReadAsStringAsync());
        Assert.Equal(disclosures, bundle.Entry.Count);
        Assert.All(bundle.Entry, e => Assert.IsType<AuditEvent>(e.Resource));

        var views = await fixture.Service<IPatientViewStore>().GetPatientViewsAsync(key, 10, CancellationToken.None);
        Assert.Contains(views, v => v.What == "accounting of disclosures (CSV download)" && v.OperatorName == ConsoleFixture.Privacy);
        Assert.Contains(views, v => v.What == "accounting of disclosures (FHIR download)" && v.OperatorName == ConsoleFixture.Privacy);
    }

    [Fact]
    public async Task A_raw_quarantined_record_is_shown_to_the_privacy_role_and_its_view_recorded()
    {
        var entry = (await fixture.Store.ListQuarantineAsync(100, CancellationToken.None)).Single(q => q.RecordId == ConsoleFixture.StaysBrokenRecordId);

        var page = await _client.GetAsync($"/quarantine/{entry.Id}");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("after lunch", page.Document.QuerySelector("pre.raw")!.TextContent, StringComparison.Ordinal);
        var mrn = System.Text.Json.JsonDocument.Parse(entry.RawText!).RootElement.GetProperty("patientMrn").GetString()!;
        var views = await fixture.Service<IPatientViewStore>().GetPatientViewsAsync(fixture.Service<RecordMapper>().PatientKey(mrn), 50, CancellationToken.None);
        Assert.Contains(views, v => v.What == $"raw quarantined record #{entry.Id}" && v.OperatorName == ConsoleFixture.Privacy);
    }
}
