using Hl7.Fhir.Model;

namespace FhirAdapter.Api.Search;

/// <summary>A FHIR token value: <c>code</c> (any system), <c>system|code</c>, or <c>|code</c> (no system).</summary>
internal sealed record TokenParameter(string? System, string Code, bool AnySystem)
{
    public static TokenParameter Parse(string value)
    {
        var bar = value.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? new TokenParameter(null, value, true) : new TokenParameter(bar == 0 ? null : value[..bar], value[(bar + 1)..], false);
    }

    public bool Matches(Coding coding) =>
        coding.Code == Code && (AnySystem || coding.System == System);
}
