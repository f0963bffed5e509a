using Hl7.Fhir.Model;

namespace FhirAdapter.Exchange.Http;

/// <summary>A destination's answer: status, and the resource in the body when it could be read.</summary>
internal sealed record FhirResponse(int Status, Resource? Resource)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}
