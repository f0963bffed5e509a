using Microsoft.Extensions.Options;

namespace FhirAdapter.Exchange.Options;

/// <summary>
/// What the attributes of a destination cannot say (they are checked by the generated <see cref="ExchangeOptionsValidator"/>):
/// names are unique, the total timeout covers an attempt, what each kind of authentication needs. Each message names its key.
/// </summary>
internal sealed class ExchangeOptionsRules : IValidateOptions<ExchangeOptions>
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
            if (!string.IsNullOrWhiteSpace(d.Name) && !names.Add(d.Name))
            {
                errors.Add($"{at}:Name '{d.Name}' is used by another destination");
            }

            if (d.TotalTimeout < d.AttemptTimeout)
            {
                errors.Add($"{at}:TotalTimeout must not be shorter than {at}:AttemptTimeout");
            }

            if (d.Auth is { } auth)
            {
                ValidateAuth(errors, $"{at}:Auth", auth);
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateAuth(List<string> errors, string at, DestinationAuthOptions auth)
    {
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

        if (string.IsNullOrWhiteSpace(auth.Scope))
        {
            errors.Add($"{at}:Scope is required when {at}:Type is SmartBackend");
        }
    }
}
