using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Privacy;
using Hl7.Fhir.Model;

namespace FhirAdapter.Api.Tests;

/// <summary>
/// <c>_summary</c> and <c>_elements</c> subset what a search returns, never what a disclosure must carry: the §2.32 notice
/// (the Provenance's narrative) and every resource's security labels. Review findings 5 and 6 (round 3).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SubsettedSearchTests(ApiFixture api)
{
    /// <summary>
    /// api.md: every answer with patient data carries the §2.32 notice (the Provenance's narrative) and every resource its
    /// security labels. <c>_summary=data</c> removes narratives: the notice must survive it.
    /// </summary>
    [Fact]
    public async System.Threading.Tasks.Task A_search_with_summary_data_still_carries_the_notice_text()
    {
        var token = await api.TokenAsync(api.Rsa);
        var bundle = await api.SearchAsync("fhir/Patient?_count=3&_summary=data", token);
        Assert.Contains(bundle.Entry, e => e.Resource is Patient);
        var notices = bundle.Entry.Select(e => e.Resource).OfType<Provenance>().ToList();
        Assert.NotEmpty(notices);
        Assert.All(notices, n => Assert.Contains("42 CFR", n.Text?.Div ?? "", StringComparison.Ordinal));
    }

    /// <summary><c>_elements</c> must not take away the notice nor the labels (NORDSCLCD: no redisclosure without consent).</summary>
    [Fact]
    public async System.Threading.Tasks.Task A_search_with_elements_still_carries_the_notice_and_the_labels()
    {
        var token = await api.TokenAsync(api.Rsa);
        var bundle = await api.SearchAsync("fhir/Patient?_count=3&_elements=identifier", token);
        var patients = bundle.Entry.Select(e => e.Resource).OfType<Patient>().ToList();
        Assert.NotEmpty(patients);
        Assert.All(patients, p => Assert.Contains(p.Meta?.Security ?? [], c => c.Code == PrivacyCodes.NoRedisclosureWithoutConsent));
        var notices = bundle.Entry.Select(e => e.Resource).OfType<Provenance>().ToList();
        Assert.NotEmpty(notices);
        Assert.All(notices, n => Assert.Contains("42 CFR", n.Text?.Div ?? "", StringComparison.Ordinal));
    }

    /// <summary>
    /// Every summary form keeps the notice whole (its policy, targets and the permitting Consent too) and the labels; a
    /// resource the filter took elements from is tagged SUBSETTED (search.html), one it took nothing from is not.
    /// </summary>
    [Theory]
    [InlineData("_summary=true")]
    [InlineData("_summary=text")]
    [InlineData("_summary=data")]
    [InlineData("_elements=identifier")]
    public async System.Threading.Tasks.Task Every_summary_form_keeps_the_notice_whole_and_the_labels_and_tags_what_it_cut(string subset)
    {
        var token = await api.TokenAsync(api.Rsa);
        var full = await api.SearchAsync("fhir/Patient?_count=3", token);
        var bundle = await api.SearchAsync($"fhir/Patient?_count=3&{subset}", token);

        var patients = bundle.Entry.Select(e => e.Resource).OfType<Patient>().ToList();
        Assert.NotEmpty(patients);
        Assert.All(patients, p => Assert.Contains(p.Meta?.Security ?? [], c => c.Code == PrivacyCodes.NoRedisclosureWithoutConsent));
        foreach (var patient in patients)
        {
            // Tagged exactly when the subset took something away from what the full answer carries.
            var whole = full.Entry.Select(e => e.Resource).OfType<Patient>().Single(p => p.Id == patient.Id);
            var untagged = (Patient)patient.DeepCopy();
            var tags = untagged.Meta.Tag.RemoveAll(t => t.Code == "SUBSETTED" && t.System == "http://terminology.hl7.org/CodeSystem/v3-ObservationValue");
            Assert.Equal(FhirJson.Serialize(whole, pretty: false) != FhirJson.Serialize(untagged, pretty: false) ? 1 : 0, tags);
        }

        if (subset != "_summary=data")
        {
            // Every patient has elements these forms take away (name, birthDate...).
            Assert.All(patients, p => Assert.Contains(p.Meta.Tag, t => t.Code == "SUBSETTED"));
        }

        var notices = bundle.Entry.Where(e => e.Resource is Provenance).ToList();
        Assert.NotEmpty(notices);
        foreach (var notice in notices)
        {
            Assert.Equal(Bundle.SearchEntryMode.Include, notice.Search.Mode);
            var whole = full.Entry.Single(e => e.Resource is Provenance p && p.Target.Select(t => t.Reference).SequenceEqual(((Provenance)notice.Resource).Target.Select(t => t.Reference)));
            // Whole: everything but the per-answer id, recorded time and security labels' order is what the full answer carries.
            var (got, want) = ((Provenance)notice.Resource, (Provenance)whole.Resource);
            Assert.Equal(want.Text.Div, got.Text.Div);
            Assert.Equal(want.Policy, got.Policy);
            Assert.Equal(want.Entity.Select(e => e.What.Identifier?.Value), got.Entity.Select(e => e.What.Identifier?.Value));
            Assert.Equal(want.Agent.Count, got.Agent.Count);
            Assert.NotEmpty(got.Meta.Security);
            Assert.DoesNotContain(got.Meta.Tag, t => t.Code == "SUBSETTED");
        }
    }

    /// <summary>_elements naming everything a resource holds takes nothing away: no SUBSETTED tag then.</summary>
    [Fact]
    public async System.Threading.Tasks.Task Elements_that_take_nothing_away_leave_the_resource_untagged()
    {
        var token = await api.TokenAsync(api.Rsa);
        var full = await api.SearchAsync("fhir/Patient?_count=1", token);
        var patient = full.Entry.Select(e => e.Resource).OfType<Patient>().First();
        var present = FhirJson.Serialize(patient, pretty: false);
        var names = System.Text.Json.JsonDocument.Parse(present).RootElement.EnumerateObject().Select(p => p.Name.TrimStart('_')).Where(n => n != "resourceType").Distinct().ToList();
        Assert.Contains("identifier", names);

        var bundle = await api.SearchAsync($"fhir/Patient?_id={patient.Id}&_elements={string.Join(',', names)}", token);
        var same = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<Patient>());
        Assert.DoesNotContain(same.Meta.Tag, t => t.Code == "SUBSETTED");
        Assert.Equal(present, FhirJson.Serialize(same, pretty: false));
    }
}
