using Microsoft.Extensions.Options;

namespace FhirAdapter.Store;

/// <summary>Checks the store's settings on start, naming the configuration key of each problem.</summary>
internal sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var at = StoreOptions.SectionName;
        var provider = AdapterStores.Providers.FirstOrDefault(p => string.Equals(p.Name, options.Provider, StringComparison.OrdinalIgnoreCase));
        if (provider.Name is null)
        {
            errors.Add($"{at}:Provider must be one of: {string.Join(", ", AdapterStores.Providers.Select(p => p.Name))}");
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add($"{at}:ConnectionString is required");
        }
        else if (provider.CheckConnectionString?.Invoke(options.ConnectionString) is { } problem)
        {
            errors.Add($"{at}:ConnectionString {problem}");
        }

        if (options.LeaseDuration < TimeSpan.FromSeconds(5) || options.LeaseDuration > TimeSpan.FromHours(1))
        {
            errors.Add($"{at}:LeaseDuration must be between 00:00:05 and 01:00:00");
        }

        if (options.BusyTimeout < TimeSpan.FromSeconds(1) || options.BusyTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{at}:BusyTimeout must be between 00:00:01 and 00:10:00");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
