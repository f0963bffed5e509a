using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace FhirAdapter.Validation;

/// <summary>
/// Removes the instance values Firely quotes in its messages ("Value '…' does not match …", "Literal '…' …"): those
/// may be patient data (a name, a malformed birth date). The location and the rule broken stay, which is what a
/// developer needs to fix a mapping.
/// </summary>
internal static partial class ValueRedactor
{
    private const string Placeholder = "'(value redacted)'";

    public static void Redact(OperationOutcome outcome)
    {
        foreach (var issue in outcome.Issue)
        {
            if (issue.Details?.Text is { } text)
                issue.Details.Text = Redact(text);
            if (issue.Diagnostics is { } diagnostics)
                issue.Diagnostics = Redact(diagnostics);
        }
    }

    public static string Redact(string message) => QuotedValue().Replace(message, m => $"{m.Groups[1].Value} {Placeholder}");

    // Firely quotes the instance value right after "Value", "Literal" or "value"; patterns, regexes and URLs come later in the sentence.
    // The value after "fixed value" or "pattern value" is the profile's, not the instance's: it stays.
    [GeneratedRegex(@"(?<!fixed |pattern )\b(Value|value|Literal|literal|Instance value|instance value)\s+'(?:[^']|'(?!\s|,|\.|$))*'", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedValue();
}
