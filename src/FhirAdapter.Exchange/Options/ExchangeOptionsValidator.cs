using Microsoft.Extensions.Options;

namespace FhirAdapter.Exchange.Options;

/// <summary>Checks every destination on start, naming the configuration key of each problem.</summary>
internal sealed class ExchangeOptionsValidator : IValidateOptions<ExchangeOptions>
{
    public ValidateOptionsResult Validate(string? name, ExchangeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Destinations.Count; i++)
        {
            var d = options.Destinations[i];
            var at = $"{ExchangeOptions.DestinationsPath}:{i}";
            if (string.IsNullOrWhiteSpace(d.Name))
            {
                errors.Add($"{at}:Name is required");
            }
            else if (!names.Add(d.Name))
            {
                errors.Add($"{at}:Name '{d.Name}' is used by another destination");
            }

            if (string.IsNullOrWhiteSpace(d.OrganizationId))
            {
                errors.Add($"{at}:OrganizationId is required");
            }

            if (!IsHttpUrl(d.BaseUrl))
            {
                errors.Add($"{at}:BaseUrl must be an absolute http(s) URL");
            }

            Range(errors, $"{at}:MaxBundleEntries", d.MaxBundleEntries, 1, 10_000);
            Range(errors, $"{at}:MaxConcurrency", d.MaxConcurrency, 1, 256);
            Range(errors, $"{at}:MaxRetryAttempts", d.MaxRetryAttempts, 0, 100);
            Range(errors, $"{at}:MaxConflictRetries", d.MaxConflictRetries, 0, 20);
            Duration(errors, $"{at}:AttemptTimeout", d.AttemptTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
            Duration(errors, $"{at}:TotalTimeout", d.TotalTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(24));
            if (d.TotalTimeout < d.AttemptTimeout)
            {
                errors.Add($"{at}:TotalTimeout must not be shorter than {at}:AttemptTimeout");
            }

            Duration(errors, $"{at}:BackoffBase", d.BackoffBase, TimeSpan.Zero, TimeSpan.FromHours(1));
            Duration(errors, $"{at}:MaxBackoff", d.MaxBackoff, TimeSpan.Zero, TimeSpan.FromHours(1));
            Duration(errors, $"{at}:MaxRetryAfter", d.MaxRetryAfter, TimeSpan.Zero, TimeSpan.FromHours(1));
            ValidateCircuitBreaker(errors, $"{at}:CircuitBreaker", d.CircuitBreaker);
            ValidateAuth(errors, $"{at}:Auth", d.Auth);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateCircuitBreaker(List<string> errors, string at, CircuitBreakerOptions? cb)
    {
        if (cb is null)
        {
            errors.Add($"{at} is required");
            return;
        }

        if (cb.FailureRatio is <= 0 or > 1)
        {
            errors.Add($"{at}:FailureRatio must be greater than 0 and at most 1");
        }

        Range(errors, $"{at}:MinimumThroughput", cb.MinimumThroughput, 2, 100_000);
        Duration(errors, $"{at}:SamplingDuration", cb.SamplingDuration, TimeSpan.FromMilliseconds(500), TimeSpan.FromDays(1));
        Duration(errors, $"{at}:BreakDuration", cb.BreakDuration, TimeSpan.FromMilliseconds(500), TimeSpan.FromDays(1));
    }

    private static void ValidateAuth(List<string> errors, string at, DestinationAuthOptions? auth)
    {
        if (auth is null)
        {
            errors.Add($"{at} is required");
            return;
        }

        if (!Enum.IsDefined(auth.Type))
        {
            errors.Add($"{at}:Type must be None, Bearer or SmartBackend");
        }

        if (auth.Type == AuthType.Bearer && string.IsNullOrWhiteSpace(auth.Token))
        {
            errors.Add($"{at}:Token is required when {at}:Type is Bearer");
        }

        if (auth.Type != AuthType.SmartBackend)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(auth.ClientId))
        {
            errors.Add($"{at}:ClientId is required when {at}:Type is SmartBackend");
        }

        if (string.IsNullOrWhiteSpace(auth.PrivateKeyPath))
        {
            errors.Add($"{at}:PrivateKeyPath is required when {at}:Type is SmartBackend");
        }
        else if (!File.Exists(auth.PrivateKeyPath))
        {
            // The path may be named in logs; the key itself never is.
            errors.Add($"{at}:PrivateKeyPath names no readable file");
        }

        if (!Enum.IsDefined(auth.Algorithm))
        {
            errors.Add($"{at}:Algorithm must be RS384 or ES384");
        }

        if (string.IsNullOrWhiteSpace(auth.Scope))
        {
            errors.Add($"{at}:Scope is required when {at}:Type is SmartBackend");
        }

        if (!string.IsNullOrWhiteSpace(auth.TokenUrl) && !IsHttpUrl(auth.TokenUrl))
        {
            errors.Add($"{at}:TokenUrl must be an absolute http(s) URL");
        }

        Duration(errors, $"{at}:TokenRefreshSkew", auth.TokenRefreshSkew, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        Duration(errors, $"{at}:AssertionLifetime", auth.AssertionLifetime, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5));
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static void Range(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key} must be between {min} and {max}");
        }
    }

    private static void Duration(List<string> errors, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key} must be between {min} and {max}");
        }
    }
}
