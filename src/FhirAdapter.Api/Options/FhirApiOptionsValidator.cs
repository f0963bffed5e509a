using Microsoft.Extensions.Options;

namespace FhirAdapter.Api.Options;

/// <summary>Checks the attributes of <see cref="FhirApiOptions"/> and its nested sections (source-generated).</summary>
[OptionsValidator]
internal sealed partial class FhirApiOptionsValidator : IValidateOptions<FhirApiOptions>;
