using FhirAdapter.Api.Auth;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Api.Options;

/// <summary>
/// What the attributes of <see cref="FhirApiOptions"/> cannot say (they are checked by the generated
/// <see cref="FhirApiOptionsValidator"/>): the default page fits the largest, and each registered client parses
/// (its keys, scopes and purpose) under an id of its own. Every message names its configuration key.
/// </summary>
internal sealed class FhirApiOptionsRules : IValidateOptions<FhirApiOptions>
{
    public ValidateOptionsResult Validate(string? name, FhirApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var at = FhirApiOptions.SectionName;
        if (options.DefaultPageSize > options.MaxPageSize)
        {
            errors.Add($"{at}:DefaultPageSize must be between 1 and MaxPageSize");
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
