using Microsoft.Extensions.Options;

namespace FhirAdapter.Core.Configuration;

/// <summary>
/// The source-generated validator of <typeparamref name="TOptions"/>, registered for the host, with its messages
/// naming full configuration keys under <see cref="Section"/> (see <see cref="ConfigurationKeys"/>).
/// </summary>
public sealed class KeyedOptionsValidator<TOptions>(string section, IValidateOptions<TOptions> generated) : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <summary>The configuration section the options are bound from.</summary>
    public string Section { get; } = section;

    public ValidateOptionsResult Validate(string? name, TOptions options) => ConfigurationKeys.Validate(generated, Section, options);
}
