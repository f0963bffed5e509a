using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FhirAdapter.Core.Reading;

/// <summary>
/// Reads the fields of one JSON object, collecting every problem with its dotted path rather than
/// stopping at the first, so that one error report tells clinic IT everything wrong with a record.
/// Messages describe what is expected and never echo a value, since values may be patient data.
/// </summary>
internal sealed partial class JsonFields
{
    private readonly JsonElement _element;
    private readonly string _path;
    private readonly List<FieldError> _errors;

    public JsonFields(JsonElement element, string path, List<FieldError> errors)
    {
        _element = element;
        _path = path;
        _errors = errors;
    }

    public List<FieldError> Errors => _errors;

    public string PathOf(string name) => _path.Length == 0 ? name : $"{_path}.{name}";

    public void Error(string name, string message) => _errors.Add(new FieldError(PathOf(name), message));

    private JsonElement? Get(string name) =>
        _element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public bool Has(string name) => Get(name) is not null;

    public JsonElement? Raw(string name) => Get(name)?.Clone();

    public string? String(string name, bool required = false, int maxLength = 0, Regex? pattern = null, string? patternHint = null)
    {
        var value = Get(name);
        if (value is null)
        {
            if (required)
            {
                Error(name, "is required");
            }

            return null;
        }

        if (value.Value.ValueKind != JsonValueKind.String)
        {
            Error(name, $"must be a string, not {Describe(value.Value)}");
            return null;
        }

        var text = value.Value.GetString()!;
        if (required && text.Length == 0)
        {
            Error(name, "is required and must not be empty");
            return null;
        }

        if (maxLength > 0 && text.Length > maxLength)
        {
            Error(name, $"is longer than {maxLength} characters");
            return null;
        }

        if (pattern is not null && !pattern.IsMatch(text))
        {
            Error(name, $"must be {patternHint ?? "of the form " + pattern}");
            return null;
        }

        return text;
    }

    /// <summary>A code from a fixed list; the allowed codes are safe to name, the value given is not echoed.</summary>
    public string? Code(string name, IReadOnlyCollection<string> allowed, bool required = false)
    {
        var text = String(name, required);
        if (text is not null && !allowed.Contains(text))
        {
            Error(name, $"must be one of: {string.Join(", ", allowed)}");
            return null;
        }

        return text;
    }

    public DateTimeOffset? DateTime(string name, bool required = false)
    {
        var text = String(name, required);
        if (text is null)
        {
            return null;
        }

        if (!RecordDates.TryParseDateTimeWithOffset(text, out var value))
        {
            Error(name, "must be an ISO 8601 date-time with an offset, such as 2026-03-02T14:05:00-05:00");
            return null;
        }

        return value;
    }

    public DateOnly? Date(string name, bool required = false)
    {
        var text = String(name, required);
        if (text is null)
        {
            return null;
        }

        if (!RecordDates.TryParseDate(text, out var value))
        {
            Error(name, "must be a date YYYY-MM-DD");
            return null;
        }

        return value;
    }

    /// <summary>A date or a date-time with offset, kept as its ISO text (FHIR's dateTime takes both).</summary>
    public string? DateOrDateTime(string name)
    {
        var text = String(name);
        if (text is null)
        {
            return null;
        }

        if (!RecordDates.TryParseDate(text, out _) && !RecordDates.TryParseDateTimeWithOffset(text, out _))
        {
            Error(name, "must be a date YYYY-MM-DD or a date-time with an offset");
            return null;
        }

        return text;
    }

    public bool? Bool(string name)
    {
        var value = Get(name);
        if (value is null)
        {
            return null;
        }

        if (value.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.Value.GetBoolean();
        }

        Error(name, $"must be true or false, not {Describe(value.Value)}");
        return null;
    }

    public decimal? Decimal(string name, bool required = false, decimal min = decimal.MinValue, decimal max = decimal.MaxValue)
    {
        var value = Get(name);
        if (value is null)
        {
            if (required)
            {
                Error(name, "is required");
            }

            return null;
        }

        if (value.Value.ValueKind != JsonValueKind.Number || !value.Value.TryGetDecimal(out var number))
        {
            Error(name, $"must be a number, not {Describe(value.Value)}");
            return null;
        }

        if (number < min || number > max)
        {
            Error(name, RangeMessage(min, max));
            return null;
        }

        return number;
    }

    public int? Int(string name, bool required = false, int min = int.MinValue, int max = int.MaxValue)
    {
        var value = Get(name);
        if (value is null)
        {
            if (required)
            {
                Error(name, "is required");
            }

            return null;
        }

        if (value.Value.ValueKind != JsonValueKind.Number || !value.Value.TryGetInt32(out var number))
        {
            Error(name, $"must be a whole number, not {Describe(value.Value)}");
            return null;
        }

        if (number < min || number > max)
        {
            Error(name, RangeMessage(min, max));
            return null;
        }

        return number;
    }

    public JsonFields? Object(string name, bool required = false)
    {
        var value = Get(name);
        if (value is null)
        {
            if (required)
            {
                Error(name, "is required");
            }

            return null;
        }

        if (value.Value.ValueKind != JsonValueKind.Object)
        {
            Error(name, $"must be an object, not {Describe(value.Value)}");
            return null;
        }

        return new JsonFields(value.Value, PathOf(name), _errors);
    }

    /// <summary>The objects of an array field, each with its indexed path (items[2]).</summary>
    public IEnumerable<JsonFields> Objects(string name, bool required = false)
    {
        foreach (var (element, path) in Elements(name, required))
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                _errors.Add(new FieldError(path, $"must be an object, not {Describe(element)}"));
                continue;
            }

            yield return new JsonFields(element, path, _errors);
        }
    }

    /// <summary>An array of codes from a fixed list.</summary>
    public IReadOnlyList<string> Codes(string name, IReadOnlyCollection<string>? allowed = null)
    {
        var result = new List<string>();
        foreach (var (element, path) in Elements(name, required: false))
        {
            if (element.ValueKind != JsonValueKind.String)
            {
                _errors.Add(new FieldError(path, $"must be a string, not {Describe(element)}"));
            }
            else if (allowed is not null && !allowed.Contains(element.GetString()!))
            {
                _errors.Add(new FieldError(path, $"must be one of: {string.Join(", ", allowed)}"));
            }
            else
            {
                result.Add(element.GetString()!);
            }
        }

        return result;
    }

    private IEnumerable<(JsonElement Element, string Path)> Elements(string name, bool required)
    {
        var value = Get(name);
        if (value is null)
        {
            if (required)
            {
                Error(name, "is required");
            }

            yield break;
        }

        if (value.Value.ValueKind != JsonValueKind.Array)
        {
            Error(name, $"must be an array, not {Describe(value.Value)}");
            yield break;
        }

        var index = 0;
        foreach (var element in value.Value.EnumerateArray())
        {
            yield return (element, $"{PathOf(name)}[{index}]");
            index++;
        }
    }

    /// <summary>Names the JSON kind of a value (never the value itself).</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static string RangeMessage(decimal min, decimal max) => (min, max) switch
    {
        (decimal.MinValue, _) => $"must be at most {max.ToString(CultureInfo.InvariantCulture)}",
        (_, decimal.MaxValue) => $"must be at least {min.ToString(CultureInfo.InvariantCulture)}",
        _ => $"must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}",
    };
}
