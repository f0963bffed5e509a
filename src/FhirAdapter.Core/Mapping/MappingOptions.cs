using System.ComponentModel.DataAnnotations;
using FhirAdapter.Core.Configuration;

namespace FhirAdapter.Core.Mapping;

/// <summary>Settings of the mapping, bound from <c>Adapter:Mapping</c>.</summary>
public sealed class MappingOptions
{
    public const string SectionName = "Adapter:Mapping";

    /// <summary>The clinic's base for identifier systems and Questionnaire canonicals.</summary>
    [Required]
    [HttpUrl]
    public string CanonicalBase { get; set; } = ClinicCanonicals.PackageBase;

    /// <summary>
    /// When set, patient keys are an HMAC of the MRN under this secret, so that they cannot be
    /// reversed by hashing candidate MRNs. Comes from configuration or the environment only.
    /// </summary>
    public string? PatientKeySecret { get; set; }
}
