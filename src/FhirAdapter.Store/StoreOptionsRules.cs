using Microsoft.Extensions.Options;

namespace FhirAdapter.Store;

/// <summary>
/// What <see cref="StoreOptions"/>' attributes cannot say: the provider is a known one and the connection string suits
/// it. The attributes are checked by the generated <see cref="StoreOptionsValidator"/>.
/// </summary>
internal sealed class StoreOptionsRules : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var at = StoreOptions.SectionName;
        var provider = AdapterStores.Providers.FirstOrDefault(p => string.Equals(p.Name, options.Provider, StringComparison.OrdinalIgnoreCase));
        if (provider.Name is null)
        {
            return ValidateOptionsResult.Fail($"{at}:Provider must be one of: {string.Join(", ", AdapterStores.Providers.Select(p => p.Name))}");
        }

        return !string.IsNullOrWhiteSpace(options.ConnectionString) && provider.CheckConnectionString?.Invoke(options.ConnectionString) is { } problem
            ? ValidateOptionsResult.Fail($"{at}:ConnectionString {problem}")
            : ValidateOptionsResult.Success;
    }
}
