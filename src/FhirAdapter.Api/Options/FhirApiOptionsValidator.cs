using FhirAdapter.Api.Auth;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Api.Options;

/// <summary>Checks the API's settings on start; every message names its configuration key.</summary>
internal sealed class FhirApiOptionsValidator : IValidateOptions<FhirApiOptions>
{
    public ValidateOptionsResult Validate(string? name, FhirApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var at = FhirApiOptions.SectionName;
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl)
            && (!Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttps && baseUrl.Scheme != Uri.UriSchemeHttp) || !string.IsNullOrEmpty(baseUrl.Query)))
        {
            errors.Add($"{at}:PublicBaseUrl must be an absolute http(s) URL without a query");
        }

        if (options.AccessTokenLifetime < TimeSpan.FromSeconds(30) || options.AccessTokenLifetime > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{at}:AccessTokenLifetime must be between 00:00:30 and 00:05:00 (SMART Backend Services: short-lived tokens)");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(2))
        {
            errors.Add($"{at}:ClockSkew must be between 00:00:00 and 00:02:00");
        }

        if (options.DefaultPageSize < 1 || options.DefaultPageSize > options.MaxPageSize)
        {
            errors.Add($"{at}:DefaultPageSize must be between 1 and MaxPageSize");
        }

        if (options.MaxPageSize < 1 || options.MaxPageSize > 5000)
        {
            errors.Add($"{at}:MaxPageSize must be between 1 and 5000");
        }

        if (options.JwksCacheDuration < TimeSpan.Zero || options.JwksCacheDuration > TimeSpan.FromDays(1))
        {
            errors.Add($"{at}:JwksCacheDuration must be between 00:00:00 and 1.00:00:00");
        }

        if (options.RateLimit.PermitLimit < 1)
        {
            errors.Add($"{at}:RateLimit:PermitLimit must be at least 1");
        }

        if (options.RateLimit.Window < TimeSpan.FromSeconds(1) || options.RateLimit.Window > TimeSpan.FromHours(1))
        {
            errors.Add($"{at}:RateLimit:Window must be between 00:00:01 and 01:00:00");
        }

        if (string.IsNullOrWhiteSpace(options.Export.Directory))
        {
            errors.Add($"{at}:Export:Directory is required");
        }

        if (options.Export.FileLifetime < TimeSpan.FromMinutes(1) || options.Export.FileLifetime > TimeSpan.FromDays(7))
        {
            errors.Add($"{at}:Export:FileLifetime must be between 00:01:00 and 7.00:00:00");
        }

        if (options.Export.MaxActivePerClient < 1)
        {
            errors.Add($"{at}:Export:MaxActivePerClient must be at least 1");
        }

        if (options.Export.PollInterval < TimeSpan.FromSeconds(1) || options.Export.PollInterval > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{at}:Export:PollInterval must be between 00:00:01 and 00:05:00");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Clients.Count; i++)
        {
            var client = ClientRegistrations.TryParse(options.Clients[i], $"{at}:Clients:{i}", errors);
            if (client is not null && !ids.Add(client.ClientId))
            {
                errors.Add($"{at}:Clients:{i}:ClientId '{client.ClientId}' is registered twice");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
