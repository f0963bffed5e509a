using Microsoft.Extensions.Options;

namespace FhirAdapter.Operations;

/// <summary>Checks <see cref="ConsoleOptions"/>' attributes (source-generated).</summary>
[OptionsValidator]
internal sealed partial class ConsoleOptionsValidator : IValidateOptions<ConsoleOptions>;
