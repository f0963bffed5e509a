using System.Net;
using System.Text;
using FhirAdapter.Api.Search;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store.Search;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirAdapter.Api.Tests;

/// <summary>The edges of FHIR R4 http.html and search.html: errors, formats, versions, handling of parameters, the CapabilityStatement.</summary>
[Collection(ApiCollection.Name)]
public sealed class ConformanceTests(ApiFixture api)
{
    private async Task<string> PermittedPatientIdAsync()
    {
        var token = await api.TokenAsync(api.Rsa);
        var bundle = await api.SearchAsync("fhir/Patient?_count=1", token);
        return bundle.Entry.First(e => e.Resource is Patient).Resource.Id;
    }

    [Theory]
    [InlineData("GET", "fhir/Group/g1/$export", HttpStatusCode.NotFound, "Group")]
    [InlineData("GET", "fhir/Patient/{id}/_history", HttpStatusCode.NotFound, "History")]
    [InlineData("GET", "fhir/Patient/{id}/Observation", HttpStatusCode.NotFound, "Observation?patient=")]
    [InlineData("GET", "fhir/Basic?code=x", HttpStatusCode.NotFound, "Basic")]
    [InlineData("DELETE", "fhir/Patient/{id}", HttpStatusCode.MethodNotAllowed, "read-only")]
    [InlineData("POST", "fhir/Patient", HttpStatusCode.MethodNotAllowed, "read-only")]
    [InlineData("PUT", "fhir/metadata", HttpStatusCode.MethodNotAllowed, "read-only")]
    public async System.Threading.Tasks.Task Every_error_under_fhir_has_an_OperationOutcome(string method, string path, HttpStatusCode expected, string hint)
    {
        var token = await api.TokenAsync(api.Rsa);
        path = path.Replace("{id}", await PermittedPatientIdAsync(), StringComparison.Ordinal);
        using var response = await api.SendAsync(new HttpMethod(method), path, token, r =>
        {
            if (method is "POST" or "PUT")
            {
                r.Content = new StringContent("""{"resourceType":"Patient"}""", Encoding.UTF8, "application/fhir+json");
            }
        });
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var outcome = Assert.IsType<OperationOutcome>(FhirJson.Parse<Resource>(await response.Content.ReadAsStringAsync()));
        Assert.Contains(hint, outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
        if (expected == HttpStatusCode.MethodNotAllowed)
        {
            Assert.Contains("GET", response.Content.Headers.Allow);
        }
    }

    [Fact]
    public async System.Threading.Tasks.Task Unknown_parameters_are_ignored_and_said_so_unless_handling_is_strict()
    {
        var token = await api.TokenAsync(api.Rsa);
        var bundle = await api.SearchAsync("fhir/Patient?name=x&_count=2", token);
        Assert.Contains(bundle.Entry, e => e.Search.Mode == Bundle.SearchEntryMode.Match);
        var self = bundle.Link.Single(l => l.Relation == "self").Url;
        Assert.DoesNotContain("name=", self, StringComparison.Ordinal);
        Assert.Contains("_count=2", self, StringComparison.Ordinal);
        var outcome = (OperationOutcome)Assert.Single(bundle.Entry, e => e.Search.Mode == Bundle.SearchEntryMode.Outcome).Resource;
        Assert.Contains("'name'", outcome.Issue.Single().Diagnostics, StringComparison.Ordinal);

        using var strict = await api.SendAsync(HttpMethod.Get, "fhir/Patient?name=x", token, r => r.Headers.Add("Prefer", "handling=strict"));
        Assert.Equal(HttpStatusCode.BadRequest, strict.StatusCode);
        Assert.IsType<OperationOutcome>(FhirJson.Parse<Resource>(await strict.Content.ReadAsStringAsync()));

        // A malformed value of a supported parameter stays a 400 either way.
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("fhir/Observation?date=yesterday", token)).Status);
    }

    [Fact]
    public async System.Threading.Tasks.Task The_CapabilityStatement_lists_exactly_the_search_parameters_the_server_accepts()
    {
        var token = await api.TokenAsync(api.Rsa);
        var capability = Assert.IsType<CapabilityStatement>((await api.GetAsync("fhir/metadata", null)).Resource);
        var searchable = capability.Rest[0].Resource.Where(r => r.Interaction.Any(i => i.Code == CapabilityStatement.TypeRestfulInteraction.SearchType) && r.Type != "AuditEvent").ToList();
        Assert.True(searchable.Count > 10, $"{searchable.Count} searchable types");
        Assert.Contains("application/fhir+xml", capability.Format);
        foreach (var resource in searchable)
        {
            var listed = resource.SearchParam.Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(SearchTypes.AllParameters(resource.Type!).Order(StringComparer.Ordinal), listed);
            foreach (var parameter in resource.SearchParam)
            {
                var value = parameter.Type switch
                {
                    SearchParamType.Date => "ge2000-01-01",
                    SearchParamType.Reference => "Patient/none",
                    SearchParamType.Uri => "https://example.org/q",
                    _ => "x",
                };
                using var accepted = await api.SendAsync(HttpMethod.Get, $"fhir/{resource.Type}?{parameter.Name}={Uri.EscapeDataString(value)}&_count=1", token, r => r.Headers.Add("Prefer", "handling=strict"));
                Assert.True(accepted.StatusCode == HttpStatusCode.OK, $"{resource.Type}?{parameter.Name}: {accepted.StatusCode} {await accepted.Content.ReadAsStringAsync()}");
            }

            // And nothing else: a parameter the statement does not list is refused under strict handling.
            using var refused = await api.SendAsync(HttpMethod.Get, $"fhir/{resource.Type}?not-a-parameter=x", token, r => r.Headers.Add("Prefer", "handling=strict"));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.All(resource.SearchInclude, include => Assert.StartsWith(resource.Type + ":", include, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async System.Threading.Tasks.Task Xml_is_served_with_the_Firely_serializer_and_anything_else_is_406()
    {
        var token = await api.TokenAsync(api.Rsa);
        var id = await PermittedPatientIdAsync();
        using var xml = await api.SendAsync(HttpMethod.Get, $"fhir/Patient/{id}", token, r => r.Headers.Add("Accept", "application/fhir+xml"));
        Assert.Equal(HttpStatusCode.OK, xml.StatusCode);
        Assert.Equal("application/fhir+xml", xml.Content.Headers.ContentType?.MediaType);
        using var reader = System.Xml.XmlReader.Create(new StringReader(await xml.Content.ReadAsStringAsync()));
        Assert.True(new BaseFhirXmlDeserializer(ModelInfo.ModelInspector).TryDeserializeResource(reader, out var parsed, out _));
        Assert.Equal(id, Assert.IsType<Patient>(parsed).Id);

        using var format = await api.SendAsync(HttpMethod.Get, $"fhir/Observation?patient={id}&_format=xml&_count=2", token);
        Assert.Equal("application/fhir+xml", format.Content.Headers.ContentType?.MediaType);
        var next = FhirXml(await format.Content.ReadAsStringAsync()).Link.Single(l => l.Relation == "next").Url;
        Assert.Contains("_format=xml", next, StringComparison.Ordinal);

        using var html = await api.SendAsync(HttpMethod.Get, $"fhir/Patient/{id}", token, r => r.Headers.Add("Accept", "text/html"));
        Assert.Equal(HttpStatusCode.NotAcceptable, html.StatusCode);
        Assert.IsType<OperationOutcome>(FhirJson.Parse<Resource>(await html.Content.ReadAsStringAsync()));
    }

    private static Bundle FhirXml(string text)
    {
        using var reader = System.Xml.XmlReader.Create(new StringReader(text));
        Assert.True(new BaseFhirXmlDeserializer(ModelInfo.ModelInspector).TryDeserializeResource(reader, out var parsed, out var issues), string.Join("; ", issues ?? []));
        return Assert.IsType<Bundle>(parsed);
    }

    [Fact]
    public async System.Threading.Tasks.Task Reads_carry_ETag_and_Last_Modified_and_vread_serves_the_current_version_only()
    {
        var token = await api.TokenAsync(api.Rsa);
        var id = await PermittedPatientIdAsync();
        var (status, resource, response) = await api.GetAsync($"fhir/Patient/{id}", token);
        Assert.Equal(HttpStatusCode.OK, status);
        var version = resource!.Meta.VersionId;
        Assert.False(string.IsNullOrEmpty(version));
        Assert.Equal($"W/\"{version}\"", response.Headers.ETag?.ToString());
        Assert.Equal(resource.Meta.LastUpdated!.Value.ToUniversalTime().ToString("R", System.Globalization.CultureInfo.InvariantCulture), response.Content.Headers.LastModified?.ToString("R", System.Globalization.CultureInfo.InvariantCulture));

        var (vstatus, vread, _) = await api.GetAsync($"fhir/Patient/{id}/_history/{version}", token);
        Assert.Equal(HttpStatusCode.OK, vstatus);
        Assert.Equal(id, vread!.Id);
        var (old, outcome, _) = await api.GetAsync($"fhir/Patient/{id}/_history/0000", token);
        Assert.Equal(HttpStatusCode.NotFound, old);
        Assert.IsType<OperationOutcome>(outcome);
    }

    [Fact]
    public async System.Threading.Tasks.Task Result_parameters_summary_elements_sort_include_and_date_work()
    {
        var token = await api.TokenAsync(api.Rsa);
        var id = await PermittedPatientIdAsync();
        var all = (await api.SearchAsync($"fhir/Observation?patient={id}&_count=500", token)).Entry.Select(e => e.Resource).OfType<Observation>().ToList();
        Assert.NotEmpty(all);

        // date (effective[x]) and _sort=-date: newest first, and only those on or after the middle one's day.
        var sorted = (await api.SearchAsync($"fhir/Observation?patient={id}&_sort=-date&_count=500", token)).Entry.Select(e => e.Resource).OfType<Observation>().ToList();
        var dates = sorted.Select(o => ResourceDates.Period(o).From).ToList();
        Assert.Equal(dates.OrderByDescending(d => d), dates);
        Assert.Equal(all.Count, sorted.Count);
        var day = ((FhirDateTime)all.Where(o => o.Effective is FhirDateTime).OrderBy(o => ResourceDates.Period(o).From).ElementAt(all.Count / 2).Effective).Value[..10];
        var onOrAfter = (await api.SearchAsync($"fhir/Observation?patient={id}&date=ge{day}&_count=500", token)).Entry.Select(e => e.Resource).OfType<Observation>().ToList();
        Assert.NotEmpty(onOrAfter);
        Assert.True(onOrAfter.Count < all.Count || all.All(o => string.CompareOrdinal(((FhirDateTime)o.Effective).Value[..10], day) >= 0));
        Assert.All(onOrAfter, o => Assert.True(ResourceDates.Period(o).To > DateTimeOffset.Parse(day, System.Globalization.CultureInfo.InvariantCulture)));

        // _include: the patient the observations point at, as an include entry; and the notice Provenance has an id and targets it.
        var included = await api.SearchAsync($"fhir/Observation?patient={id}&_include=Observation:patient&_count=5", token);
        Assert.Single(included.Entry, e => e.Resource is Patient p && p.Id == id && e.Search.Mode == Bundle.SearchEntryMode.Include);
        var notice = Assert.Single(included.Entry, e => e.Resource is Provenance);
        Assert.False(string.IsNullOrEmpty(notice.Resource.Id));
        Assert.EndsWith(notice.Resource.Id, notice.FullUrl, StringComparison.Ordinal);
        Assert.Contains(((Provenance)notice.Resource).Target, t => t.Reference.EndsWith($"Patient/{id}", StringComparison.Ordinal));

        // _summary=true and _elements: subsetted resources, the Bundle itself untouched.
        using var summary = await api.SendAsync(HttpMethod.Get, $"fhir/Patient?_id={id}&_summary=true", token);
        var summaryText = await summary.Content.ReadAsStringAsync();
        Assert.Contains("\"resourceType\":\"Bundle\"", summaryText, StringComparison.Ordinal);
        Assert.DoesNotContain("\"text\":{", summaryText.Split("\"entry\"")[1].Split("\"Provenance\"")[0], StringComparison.Ordinal);
        using var elements = await api.SendAsync(HttpMethod.Get, $"fhir/Observation?patient={id}&_elements=status&_count=3", token);
        var observation = FhirJson.Parse<Bundle>(await elements.Content.ReadAsStringAsync()).Entry.Select(e => e.Resource).OfType<Observation>().First();
        Assert.NotNull(observation.Status);
        Assert.NotNull(observation.Code); // mandatory (1..1): kept, as search.html asks
        Assert.Empty(observation.Category);
        Assert.Null(observation.Subject);
    }
}
