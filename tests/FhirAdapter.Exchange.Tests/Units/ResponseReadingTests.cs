using System.Net;
using FhirAdapter.Exchange.Http;
using FhirAdapter.Exchange.Sending;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;

namespace FhirAdapter.Exchange.Tests.Units;

public sealed class ResponseReadingTests
{
    [Theory]
    [InlineData("Patient/abc/_history/3", null, "abc", "3")]
    [InlineData("https://ehr.example.org/fhir/Patient/abc/_history/3", "W/\"4\"", "abc", "4")]
    [InlineData("Patient/abc", "W/\"5\"", "abc", "5")]
    [InlineData("Patient/abc", null, "abc", null)]
    public void Reads_id_and_version_from_location_and_etag(string location, string? etag, string id, string? version)
    {
        var entry = new Bundle.EntryComponent { Response = new Bundle.ResponseComponent { Status = "201", Location = location, Etag = etag } };

        Assert.Equal((id, version), TransactionReader.IdAndVersion(entry, "Patient"));
    }

    [Fact]
    public void Falls_back_to_the_returned_resource()
    {
        var entry = new Bundle.EntryComponent
        {
            Response = new Bundle.ResponseComponent { Status = "200 OK" },
            Resource = new Patient { Id = "p9", Meta = new Meta { VersionId = "v2" } },
        };

        Assert.Equal(("p9", "v2"), TransactionReader.IdAndVersion(entry, "Patient"));
        Assert.Equal(200, TransactionReader.Status("200 OK"));
    }

    [Fact]
    public void Retry_After_is_read_against_the_injected_clock_and_capped()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        static HttpResponseMessage With(HttpStatusCode status, string retryAfter)
        {
            var r = new HttpResponseMessage(status);
            r.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
            return r;
        }

        var max = TimeSpan.FromMinutes(2);
        Assert.Equal(TimeSpan.FromSeconds(7), RetryAfter.Delay(With(HttpStatusCode.TooManyRequests, "7"), time, max));
        Assert.Equal(TimeSpan.FromSeconds(45), RetryAfter.Delay(With(HttpStatusCode.ServiceUnavailable, time.GetUtcNow().AddSeconds(45).ToString("r")), time, max));
        Assert.Equal(TimeSpan.Zero, RetryAfter.Delay(With(HttpStatusCode.ServiceUnavailable, time.GetUtcNow().AddSeconds(-45).ToString("r")), time, max));
        Assert.Equal(max, RetryAfter.Delay(With(HttpStatusCode.TooManyRequests, "3600"), time, max));
        Assert.Null(RetryAfter.Delay(With(HttpStatusCode.BadGateway, "7"), time, max));
        Assert.Null(RetryAfter.Delay(new HttpResponseMessage(HttpStatusCode.TooManyRequests), time, max));
    }

    [Fact]
    public void A_conditional_URL_becomes_an_escaped_search()
    {
        Assert.Equal("Patient?identifier=https%3A%2F%2Fx%2Fmrn%7CA%23B", Send.SearchUrl("Patient?identifier=https://x/mrn|A%23B"));
        Assert.Equal("Questionnaire?url=https%3A%2F%2Fx%2FQuestionnaire%2Fphq9&version=2", Send.SearchUrl("Questionnaire?url=https://x/Questionnaire/phq9&version=2"));
        Assert.Equal("Patient/123", Send.SearchUrl("Patient/123"));
    }
}
