using System.Net;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Store.Disclosures;
using AccountingEntry = FhirAdapter.Store.Disclosures.Disclosure;
using FhirAdapter.Testing;
using Hl7.Fhir.Model;

namespace FhirAdapter.Api.Tests;

/// <summary>
/// The consent cases of 42 CFR Part 2 (<see cref="ConsentCases"/>, the same table as the push path's) on the pull API:
/// what the organization's client is served, what is withheld, and what the accounting of disclosures holds, also as
/// the client reads it (AuditEvent). The records arrive in the store as a sync would store them; the two-step cases
/// ask again after the second arrival.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ConsentCaseTests(ApiFixture api)
{
    public static TheoryData<string> Cases => [.. ConsentCases.Names];

    [Theory]
    [MemberData(nameof(Cases))]
    public async System.Threading.Tasks.Task Each_consent_case_serves_what_the_consent_permits_and_accounts_for_it(string name)
    {
        var @case = ConsentCases.Get(name);
        Assert.True(api.Time.GetUtcNow() >= ConsentCases.Now, "the cases' dates hold from ConsentCases.Now on");
        var key = await SampleStore.ArriveAsync(api.Store, ConsentCase.Ndjson(@case.Records));
        var stored = await api.Store.GetResourcesAsync(key, CancellationToken.None);
        // A denial must be the consent's doing: the patient is mapped, valid, and has a note that could go.
        Assert.All(stored, r => Assert.True(r.Validation.IsValid, $"{r.ResourceType} {r.Identifier} is invalid"));
        Assert.Contains(stored, r => r.ResourceType == "DocumentReference" && r.Identifier.EndsWith($"{@case.SessionId}.note", StringComparison.Ordinal));

        var afterFirst = await AssertServedAsync(@case, key, @case.First, []);

        if (@case.AfterLater is { } afterLater)
        {
            await SampleStore.ArriveAsync(api.Store, ConsentCase.Ndjson([.. @case.Pending, .. @case.Later]));
            await AssertServedAsync(@case, key, afterLater, afterFirst);
        }
    }

    [Fact]
    public async System.Threading.Tasks.Task The_other_organization_of_the_other_organization_case_is_served_so_the_denial_is_not_vacuous()
    {
        var @case = ConsentCases.Get(ConsentCases.OtherOrganizationOnly);
        var key = await SampleStore.ArriveAsync(api.Store, ConsentCase.Ndjson(@case.Records));
        var patientId = (await api.Store.GetResourcesAsync(key, CancellationToken.None)).Single(r => r.ResourceType == "Patient").LogicalId;

        var other = await api.TokenAsync(api.CaseOther);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"fhir/Patient/{patientId}/$everything", other)).Status);
        var mine = await api.TokenAsync(api.CaseEhr, "system/*.rs system/AuditEvent.rs");
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"fhir/Patient/{patientId}/$everything", mine)).Status);

        // The other organization's disclosure is in the accounting, and is not the case organization's to read.
        Assert.Contains(await api.Store.GetDisclosuresAsync(key, null, CancellationToken.None), d => d.OrganizationId == ConsentCases.OtherOrganization);
        Assert.Empty((await api.SearchAsync($"fhir/AuditEvent?patient=Patient/{patientId}", mine)).Entry);
    }

    /// <summary>Asks as the case organization's client and checks what it gets and what is accounted; returns the organization's accounting.</summary>
    private async Task<List<AccountingEntry>> AssertServedAsync(ConsentCase @case, string key, ConsentExpectation expected, List<AccountingEntry> before)
    {
        var token = await api.TokenAsync(api.CaseEhr, "system/*.rs system/AuditEvent.rs");
        var stored = await api.Store.GetResourcesAsync(key, CancellationToken.None);
        var patientId = stored.Single(r => r.ResourceType == "Patient").LogicalId;
        var noteId = stored.Single(r => r.ResourceType == "DocumentReference" && r.Identifier.EndsWith($"{@case.SessionId}.note", StringComparison.Ordinal)).LogicalId;

        var (status, everything, _) = await api.GetAsync($"fhir/Patient/{patientId}/$everything", token);
        var encounters = await api.SearchAsync($"fhir/Encounter?patient=Patient/{patientId}", token);
        var note = await api.GetAsync($"fhir/DocumentReference/{noteId}", token);
        if (expected.Disclosed)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            var bundle = Assert.IsType<Bundle>(everything);
            Assert.Contains(bundle.Entry, e => e.Resource is Patient p && p.Id == patientId);
            Assert.Contains(encounters.Entry, e => e.Resource is Encounter);
            Assert.Equal(expected.NotesDisclosed, bundle.Entry.Any(e => e.Resource is DocumentReference d && d.Id == noteId));
            Assert.Equal(expected.NotesDisclosed ? HttpStatusCode.OK : HttpStatusCode.NotFound, note.Status);
            // The notice names the consent the disclosure rests on.
            var notice = Assert.Single(bundle.Entry, e => e.Resource is Provenance p && p.Policy.Any()).Resource as Provenance;
            Assert.Contains(notice!.Entity, e => e.What.Identifier?.Value == expected.ConsentRecordId);
        }
        else
        {
            // Withheld exactly like a patient that does not exist: 404, empty searches.
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Empty(encounters.Entry);
            Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"fhir/Patient/{patientId}", token)).Status);
            Assert.Equal(HttpStatusCode.NotFound, note.Status);
        }

        var accounting = (await api.Store.GetDisclosuresAsync(key, null, CancellationToken.None)).Where(d => d.OrganizationId == ConsentCases.Organization).ToList();
        Assert.All(before, earlier => Assert.Contains(accounting, d => d.Id == earlier.Id)); // what was disclosed stays accounted
        var added = accounting.Where(d => before.All(b => b.Id != d.Id)).ToList();
        if (expected.Disclosed)
        {
            Assert.NotEmpty(added);
            Assert.All(added, d => Assert.Equal((DisclosureChannel.Pull, expected.ConsentRecordId), (d.Channel, d.ConsentRecordId)));
            Assert.Equal(expected.NotesDisclosed, added.Any(d => d.ResourceIds.Contains($"DocumentReference/{noteId}")));
        }
        else
        {
            Assert.Empty(added);
        }

        // The organization reads the same accounting as AuditEvents, its past disclosures included whatever the consent says now.
        var audits = await api.SearchAsync($"fhir/AuditEvent?patient=Patient/{patientId}&_count=500", token);
        Assert.Equal(accounting.Select(d => d.Id), audits.Entry.Select(e => e.Resource.Id));
        return accounting;
    }
}
