using Microsoft.Extensions.Options;

namespace FhirAdapter.Store;

/// <summary>Checks <see cref="StoreOptions"/>' attributes (source-generated).</summary>
[OptionsValidator]
internal sealed partial class StoreOptionsValidator : IValidateOptions<StoreOptions>;
