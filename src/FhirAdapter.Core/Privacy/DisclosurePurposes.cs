using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Privacy;

/// <summary>A purpose's code in the clinic's records and in v3-ActReason.</summary>
public static class DisclosurePurposes
{
    /// <summary>The code the clinic's records use: <c>treatment</c>, <c>payment</c> or <c>health-care-operations</c>.</summary>
    public static string RecordCode(this DisclosurePurpose purpose) => purpose switch
    {
        DisclosurePurpose.Treatment => "treatment",
        DisclosurePurpose.Payment => "payment",
        DisclosurePurpose.HealthCareOperations => "health-care-operations",
        _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
    };

    /// <summary>The purpose of use as v3-ActReason TREAT, HPAYMT or HOPERAT.</summary>
    public static Coding ActReason(this DisclosurePurpose purpose) => purpose switch
    {
        DisclosurePurpose.Treatment => new Coding(PrivacyCodes.V3ActReason, PrivacyCodes.Treatment, "treatment"),
        DisclosurePurpose.Payment => new Coding(PrivacyCodes.V3ActReason, PrivacyCodes.Payment, "healthcare payment"),
        DisclosurePurpose.HealthCareOperations => new Coding(PrivacyCodes.V3ActReason, PrivacyCodes.Operations, "healthcare operations"),
        _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
    };

    /// <summary>Reads a records' code; false for anything else.</summary>
    public static bool TryParse(string? code, out DisclosurePurpose purpose)
    {
        (var ok, purpose) = code switch
        {
            "treatment" => (true, DisclosurePurpose.Treatment),
            "payment" => (true, DisclosurePurpose.Payment),
            "health-care-operations" => (true, DisclosurePurpose.HealthCareOperations),
            _ => (false, default),
        };
        return ok;
    }
}
