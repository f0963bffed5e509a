using Microsoft.Extensions.Options;

namespace FhirAdapter.Exchange.Options;

/// <summary>Checks the attributes of <see cref="ExchangeOptions"/> and of each destination (source-generated).</summary>
[OptionsValidator]
internal sealed partial class ExchangeOptionsValidator : IValidateOptions<ExchangeOptions>;
