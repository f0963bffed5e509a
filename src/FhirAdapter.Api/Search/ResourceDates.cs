using Hl7.Fhir.Model;

namespace FhirAdapter.Api.Search;

/// <summary>The period the <c>date</c> parameter searches: Observation.effective[x], Encounter.period (R4 definitions).</summary>
internal static class ResourceDates
{
    /// <summary>[From, To) at the precision given; an open end is null; both null when the resource has no date.</summary>
    public static (DateTimeOffset? From, DateTimeOffset? To) Period(Resource resource) => resource switch
    {
        Observation { Effective: FhirDateTime dt } => Range(dt.Value),
        Observation { Effective: Instant { Value: { } i } } => (i, i.AddMilliseconds(1)),
        Observation { Effective: Period p } => Range(p),
        Encounter { Period: { } p } => Range(p),
        _ => (null, null),
    };

    private static (DateTimeOffset? From, DateTimeOffset? To) Range(Period period)
    {
        var start = Range(period.Start).From;
        var end = Range(period.End).To;
        return (start, end);
    }

    private static (DateTimeOffset? From, DateTimeOffset? To) Range(string? value) =>
        value is not null && DateRange.TryParse(value, out var start, out var end) ? (start, end) : (null, null);
}
