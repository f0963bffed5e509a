using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Core.Configuration;

/// <summary>
/// Makes what a source-generated options validator (<see cref="OptionsValidatorAttribute"/>) reports name the
/// configuration key a clinic IT person would edit: <c>Adapter:Destinations:0:MaxConcurrency must be between 1 and 256</c>.
/// The generated validator decides what fails; the message is ours. The generator names a failing member by its path
/// from the name it is given (the section: <c>Adapter.Destinations[0].MaxConcurrency</c>), which gives the key and the
/// member, whose attributes say what it must be. Nothing depends on the wording of the generator's or DataAnnotations'
/// messages (English prose, and the generator's copy of <see cref="RangeAttribute"/> ignores ErrorMessage).
/// </summary>
public static partial class ConfigurationKeys
{
    /// <summary>Runs <paramref name="generated"/> on <paramref name="options"/> as bound from <paramref name="section"/>; failures name full keys.</summary>
    public static ValidateOptionsResult Validate<TOptions>(IValidateOptions<TOptions> generated, string section, TOptions options)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentException.ThrowIfNullOrEmpty(section);
        ArgumentNullException.ThrowIfNull(options);
        var result = generated.Validate(section, options);
        return result.Failed
            ? ValidateOptionsResult.Fail(result.Failures.SelectMany(f => Describe(section, options, f)).Distinct(StringComparer.Ordinal))
            : result;
    }

    /// <summary>One failure of the generated validator, as what the key at fault must be.</summary>
    private static IEnumerable<string> Describe(string section, object options, string failure)
    {
        var named = MemberPath(section).Match(failure);
        if (!named.Success)
        {
            // A rule's own message (IValidatableObject, written here with its key); the builder put the member names first.
            return [MemberPrefix().Replace(failure, "", 1)];
        }

        var path = PathSegment().Matches(named.Value[section.Length..]).Select(m => m.Groups[1].Value).ToArray();
        var key = ConfigurationPath.Combine([section, .. path]);
        var failing = Member(options, path) is var (owner, property)
            ? FailingAttributes(owner, property, key)
            : [];
        return failing.Count > 0
            ? failing.Select(a => Describe(a, key))
            : [MemberPrefix().Replace(failure, "", 1).Replace(named.Value, key, StringComparison.Ordinal)]; // no attribute to tell: the key at least
    }

    /// <summary>The object holding the member at <paramref name="path"/> (properties and list indexes) and the member.</summary>
    private static (object Owner, PropertyInfo Property)? Member(object options, string[] path)
    {
        var owner = options;
        foreach (var segment in path[..^1])
        {
            if (Step(owner, segment) is not { } next)
            {
                return null;
            }

            owner = next;
        }

        return owner.GetType().GetProperty(path[^1], BindingFlags.Public | BindingFlags.Instance) is { } property ? (owner, property) : null;
    }

    private static object? Step(object owner, string segment) =>
        owner is IList list && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? (index < list.Count ? list[index] : null)
            : owner.GetType().GetProperty(segment, BindingFlags.Public | BindingFlags.Instance)?.GetValue(owner);

    /// <summary>The member's attributes that its value fails; a missing required value is the only thing said about it.</summary>
    private static List<ValidationAttribute> FailingAttributes(object owner, PropertyInfo property, string key)
    {
        var value = property.GetValue(owner);
        var context = new ValidationContext(owner) { MemberName = property.Name, DisplayName = key };
        var failing = property.GetCustomAttributes<ValidationAttribute>(inherit: true)
            .Where(a => a.GetValidationResult(value, context) != ValidationResult.Success)
            .ToList();
        return failing.OfType<RequiredAttribute>().Any() ? [.. failing.OfType<RequiredAttribute>()] : failing;
    }

    private static string Describe(ValidationAttribute attribute, string key) => attribute switch
    {
        RequiredAttribute => $"{key} is required",
        RangeAttribute range => $"{key} must be {Range(range)}",
        _ => attribute.FormatErrorMessage(key), // ours (HttpUrl) or with an ErrorMessage of ours (EnumDataType)
    };

    private static string Range(RangeAttribute range) => (range.MinimumIsExclusive, range.MaximumIsExclusive) switch
    {
        (false, false) => Invariant($"between {range.Minimum} and {range.Maximum}"),
        (true, false) => Invariant($"greater than {range.Minimum} and at most {range.Maximum}"),
        (false, true) => Invariant($"at least {range.Minimum} and less than {range.Maximum}"),
        (true, true) => Invariant($"greater than {range.Minimum} and less than {range.Maximum}"),
    };

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    // The generator's name for a member: the name it was given (the section), then '.Property' and '[index]'.
    private static Regex MemberPath(string section) =>
        new(Regex.Escape(section) + @"(?:\.\w+|\[\d+\])+", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    [GeneratedRegex(@"[.\[](\w+)\]?", RegexOptions.CultureInvariant)]
    private static partial Regex PathSegment();

    // ValidateOptionsResultBuilder puts the member names first ("Schedule: ..."): the key says it already.
    [GeneratedRegex(@"^\w+(?:, \w+)*: ", RegexOptions.CultureInvariant)]
    private static partial Regex MemberPrefix();
}
