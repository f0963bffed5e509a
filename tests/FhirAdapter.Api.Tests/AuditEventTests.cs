using System.Net;
using FhirAdapter.Testing;
using Hl7.Fhir.Model;

namespace FhirAdapter.Api.Tests;

/// <summary>
/// The accounting of disclosures through the API (<c>/fhir/AuditEvent</c>): an AuditEvent scope by name, and only what
/// was disclosed to the client's own organization, of a patient whose consent names two organizations.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AuditEventTests(ApiFixture api)
{
    private const string Scopes = "system/*.rs system/AuditEvent.rs";

    [Fact]
    public async System.Threading.Tasks.Task The_accounting_needs_an_AuditEvent_scope_by_name_which_system_wildcard_does_not_include()
    {
        var wildcard = await api.TokenAsync(api.CaseEhr, "system/*.rs");
        foreach (var path in new[] { "fhir/AuditEvent", "fhir/AuditEvent/disclosure-0", "fhir/AuditEvent?patient=Patient/x" })
        {
            var (status, outcome, _) = await api.GetAsync(path, wildcard);
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Equal(OperationOutcome.IssueType.Forbidden, Assert.IsType<OperationOutcome>(outcome).Issue[0].Code);
        }

        using (var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["patient"] = "x" }))
        using (var post = await api.SendAsync(HttpMethod.Post, "fhir/AuditEvent/_search", wildcard, r => r.Content = form))
        {
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        }

        // A registration of system/*.rs does not let a client ask for the accounting either.
        var (tokenStatus, body) = await api.RequestTokenAsync(api.Rsa.Assertion(api.TokenUrl, api.Time.GetUtcNow()), "system/AuditEvent.rs");
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_scope"), (tokenStatus, body.GetProperty("error").GetString()));

        // And the AuditEvent scope alone reads the accounting, not the data.
        var auditOnly = await api.TokenAsync(api.CaseEhr, "system/AuditEvent.rs");
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("fhir/AuditEvent", auditOnly)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync("fhir/Patient", auditOnly)).Status);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_client_reads_only_its_own_organizations_disclosures_and_reading_them_is_not_a_disclosure()
    {
        var (key, patientId) = await SharedPatientAsync();
        var mine = await api.TokenAsync(api.CaseEhr, Scopes);
        var theirs = await api.TokenAsync(api.CaseOther, Scopes);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"fhir/Patient/{patientId}/$everything", mine)).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"fhir/Patient/{patientId}/$everything", theirs)).Status);
        var accounting = await api.Store.GetDisclosuresAsync(key, null, CancellationToken.None);
        var own = accounting.Where(d => d.OrganizationId == ConsentCases.Organization).Select(d => d.Id).ToList();
        var other = accounting.First(d => d.OrganizationId == ConsentCases.OtherOrganization);
        Assert.NotEmpty(own);

        foreach (var patient in new[] { $"Patient/{patientId}", patientId })
        {
            var (status, resource, response) = await api.GetAsync($"fhir/AuditEvent?patient={patient}", mine);
            Assert.Equal(HttpStatusCode.OK, status);
            var bundle = Assert.IsType<Bundle>(resource);
            Assert.Equal(own, bundle.Entry.Select(e => e.Resource.Id));
            Assert.All(bundle.Entry, e => Assert.Equal($"{api.BaseAddress}fhir/AuditEvent/{e.Resource.Id}", e.FullUrl));
            Assert.All(bundle.Entry.Select(e => (AuditEvent)e.Resource), audit =>
                Assert.Equal(ConsentCases.Organization, audit.Agent.Single(a => a.Requestor == true).Who.Identifier.Value));
            Assert.Contains(bundle.Meta.Security, c => c.Code == "42CFRPart2");
            // Never who else received the patient's data.
            Assert.DoesNotContain(ConsentCases.OtherOrganization, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Contains(other.Id, (await api.SearchAsync($"fhir/AuditEvent?patient=Patient/{patientId}", theirs)).Entry.Select(e => e.Resource.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"fhir/AuditEvent/{other.Id}", mine)).Status);
        var (readStatus, read, _) = await api.GetAsync($"fhir/AuditEvent/{own[0]}", mine);
        Assert.Equal(HttpStatusCode.OK, readStatus);
        Assert.Equal(own[0], Assert.IsType<AuditEvent>(read).Id);

        // Without a patient: everything the organization received, still none of the other organization's.
        var all = await AllPagesAsync("fhir/AuditEvent?_count=500", mine);
        Assert.Superset(own.ToHashSet(), all.ToHashSet());
        Assert.DoesNotContain(other.Id, all);
        using (var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["patient"] = $"Patient/{patientId}" }))
        using (var post = await api.SendAsync(HttpMethod.Post, "fhir/AuditEvent/_search", mine, r => r.Content = form))
        {
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }

        Assert.Empty((await api.SearchAsync("fhir/AuditEvent?patient=Patient/no-such-patient", mine)).Entry);
        Assert.Equal(accounting.Count, (await api.Store.GetDisclosuresAsync(key, null, CancellationToken.None)).Count);
    }

    [Fact]
    public async System.Threading.Tasks.Task AuditEvent_search_pages_with_next_links_in_time_order_and_filters_by_date()
    {
        var (key, patientId) = await SharedPatientAsync();
        var token = await api.TokenAsync(api.CaseEhr, Scopes);
        for (var i = 0; i < 3; i++)
        {
            // A disclosure's id comes from its facts and time: three answers at three moments are three disclosures.
            api.Time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"fhir/Patient?_id={patientId}", token)).Status);
        }

        var expected = (await api.Store.GetDisclosuresAsync(key, null, CancellationToken.None)).Where(d => d.OrganizationId == ConsentCases.Organization).ToList();
        Assert.True(expected.Count >= 3);

        var paged = await AllPagesAsync($"fhir/AuditEvent?patient=Patient/{patientId}&_count=1", token);
        Assert.Equal(expected.Select(d => d.Id), paged);

        var middle = expected[^2].DisclosedAt;
        var bound = Uri.EscapeDataString(middle.ToString("yyyy-MM-dd'T'HH:mm:ss.fffK", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected.Where(d => d.DisclosedAt >= middle).Select(d => d.Id),
            (await api.SearchAsync($"fhir/AuditEvent?patient=Patient/{patientId}&date=ge{bound}", token)).Entry.Select(e => e.Resource.Id));
        Assert.Equal(expected.Where(d => d.DisclosedAt < middle).Select(d => d.Id),
            (await api.SearchAsync($"fhir/AuditEvent?patient=Patient/{patientId}&date=lt{bound}", token)).Entry.Select(e => e.Resource.Id));
        Assert.Equal(expected.Select(d => d.Id),
            (await api.SearchAsync($"fhir/AuditEvent?patient=Patient/{patientId}&date=ge2026-03-20&date=le2027", token)).Entry.Select(e => e.Resource.Id));
        Assert.Equal(new[] { expected[0].Id }, (await api.SearchAsync($"fhir/AuditEvent?_id={expected[0].Id}", token)).Entry.Select(e => e.Resource.Id));
    }

    [Theory]
    [InlineData("fhir/AuditEvent?_count=abc", HttpStatusCode.BadRequest)]
    [InlineData("fhir/AuditEvent?date=yesterday", HttpStatusCode.BadRequest)]
    [InlineData("fhir/AuditEvent?date=xx2026-03-20", HttpStatusCode.BadRequest)]
    [InlineData("fhir/AuditEvent?patient=Practitioner/1", HttpStatusCode.BadRequest)]
    [InlineData("fhir/AuditEvent?patient=a&patient=b", HttpStatusCode.BadRequest)]
    [InlineData("fhir/AuditEvent?_format=html", HttpStatusCode.NotAcceptable)]
    [InlineData("fhir/AuditEvent/disclosure-00000000000000000000000000000000", HttpStatusCode.NotFound)]
    public async System.Threading.Tasks.Task A_bad_AuditEvent_request_answers_an_OperationOutcome(string path, HttpStatusCode expected)
    {
        var token = await api.TokenAsync(api.CaseEhr, Scopes);
        var (status, resource, _) = await api.GetAsync(path, token);
        Assert.Equal(expected, status);
        Assert.IsType<OperationOutcome>(resource);
    }

    [Fact]
    public async System.Threading.Tasks.Task The_CapabilityStatement_and_SMART_configuration_offer_AuditEvent()
    {
        var (_, resource, _) = await api.GetAsync("fhir/metadata", null);
        var audit = Assert.IsType<CapabilityStatement>(resource).Rest[0].Resource.Single(r => r.Type == "AuditEvent");
        Assert.Equal(new CapabilityStatement.TypeRestfulInteraction?[] { CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.SearchType }, audit.Interaction.Select(i => i.Code));
        Assert.Equal(
            new[] { ("patient", SearchParamType.Reference), ("date", SearchParamType.Date), ("_id", SearchParamType.Token) },
            audit.SearchParam.Select(p => (p.Name!, p.Type!.Value)));
        Assert.Contains("system/AuditEvent.rs", audit.Documentation, StringComparison.Ordinal);

        using var smart = await api.SendAsync(HttpMethod.Get, "fhir/.well-known/smart-configuration", null);
        Assert.Contains("system/AuditEvent.rs", await smart.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>The patient whose consent names both organizations, in the store (arriving twice is a repeat).</summary>
    private async Task<(string Key, string PatientId)> SharedPatientAsync()
    {
        var key = await SampleStore.ArriveAsync(api.Store, ConsentCase.Ndjson(ConsentCases.SharedWithBoth.Records));
        var patientId = (await api.Store.GetResourcesAsync(key, CancellationToken.None)).Single(r => r.ResourceType == "Patient").LogicalId;
        return (key, patientId);
    }

    /// <summary>Follows next links to the end; the AuditEvent ids in order.</summary>
    private async Task<List<string>> AllPagesAsync(string path, string token)
    {
        var ids = new List<string>();
        for (string? next = path; next is not null;)
        {
            var page = await api.SearchAsync(next, token);
            Assert.NotNull(page.Link.SingleOrDefault(l => l.Relation == "self"));
            ids.AddRange(page.Entry.Select(e => e.Resource.Id!));
            next = page.Link.SingleOrDefault(l => l.Relation == "next")?.Url;
        }

        return ids;
    }
}
