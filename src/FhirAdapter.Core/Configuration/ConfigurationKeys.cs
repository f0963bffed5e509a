using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Core.Configuration;

/// <summary>
/// Rewrites what a source-generated options validator (<see cref="OptionsValidatorAttribute"/>) says so that every
/// message names the configuration key a clinic IT person would edit: the generator names a member
/// <c>Adapter.Destinations[0].MaxConcurrency</c> and says "The field … must be between 1 and 256.", we say
/// <c>Adapter:Destinations:0:MaxConcurrency must be between 1 and 256</c>.
/// </summary>
public static partial class ConfigurationKeys
{
    /// <summary>Runs <paramref name="generated"/> on <paramref name="options"/> as bound from <paramref name="section"/>; failures name full keys.</summary>
    public static ValidateOptionsResult Validate<TOptions>(IValidateOptions<TOptions> generated, string section, TOptions options)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentException.ThrowIfNullOrEmpty(section);
        var result = generated.Validate(section, options);
        return result.Failed ? ValidateOptionsResult.Fail(result.Failures.Select(f => Rename(section, f))) : result;
    }

    /// <summary>One generated failure, its display path turned into a configuration key and its wording shortened.</summary>
    public static string Rename(string section, string failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var message = MemberPrefix().Replace(failure, "", 1);
        // The generator names the member from the name it was given (the section) with '.' and '[i]': make it a key.
        message = Regex.Replace(
            message,
            Regex.Escape(section) + @"(?:\.\w+|\[\d+\])+",
            m => section + m.Value[section.Length..].Replace("[", ":", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal).Replace('.', ':'),
            RegexOptions.CultureInvariant,
            TimeSpan.FromSeconds(1));
        message = RangeWording().Replace(message, "$1 must be $2");
        message = RequiredWording().Replace(message, "$1 is required");
        message = ExclusiveMinimum().Replace(message, "must be greater than $1 and at most $2");
        return message;
    }

    // ValidateOptionsResultBuilder puts the member names first ("MaxConcurrency: ..."): the key says it already.
    [GeneratedRegex(@"^\w+(?:, \w+)*: ", RegexOptions.CultureInvariant)]
    private static partial Regex MemberPrefix();

    // RangeAttribute's wording (the generator's copy of it ignores ErrorMessage).
    [GeneratedRegex(@"^The field (\S+) must be (.*?)\.?$", RegexOptions.CultureInvariant)]
    private static partial Regex RangeWording();

    [GeneratedRegex(@"^The (\S+) field is required\.$", RegexOptions.CultureInvariant)]
    private static partial Regex RequiredWording();

    [GeneratedRegex(@"must be between (\S+) exclusive and (\S+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ExclusiveMinimum();
}
