using FhirAdapter.Validation;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Worker.Hosting;

/// <summary>Checks <see cref="FhirValidationOptions"/>' attributes (source-generated here, where they are bound: the validation project stays free of hosting).</summary>
[OptionsValidator]
internal sealed partial class FhirValidationOptionsValidator : IValidateOptions<FhirValidationOptions>;
