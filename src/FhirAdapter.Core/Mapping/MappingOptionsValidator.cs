using Microsoft.Extensions.Options;

namespace FhirAdapter.Core.Mapping;

/// <summary>Checks <see cref="MappingOptions"/>' attributes (source-generated).</summary>
[OptionsValidator]
public sealed partial class MappingOptionsValidator : IValidateOptions<MappingOptions>;
