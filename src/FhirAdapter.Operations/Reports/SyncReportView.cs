using System.Globalization;
using System.Text;
using System.Text.Json;
using FhirAdapter.Store.Operations;

namespace FhirAdapter.Operations.Reports;

/// <summary>
/// A stored sync report read as it was written: every property of the serialized <c>SyncReport</c>, in its order,
/// with a label. The labels of known fields are written out; a field added to the report later shows under a label
/// made from its name, with nothing to change here.
/// </summary>
public sealed class SyncReportView
{
    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["Started"] = "Started",
        ["Finished"] = "Finished",
        ["FilesRead"] = "Files read (new or changed)",
        ["RecordsRead"] = "Records read",
        ["RecordsRejected"] = "Records quarantined",
        ["RecordsHeld"] = "Records held (waiting for their intake or form)",
        ["PatientsMapped"] = "Patients mapped",
        ["ResourcesInvalid"] = "Resources that failed validation",
        ["Sent"] = "Resources sent",
        ["WaitingForRetry"] = "Resources waiting for a retry",
        ["Rejected"] = "Resources rejected by a destination",
        ["Problems"] = "Rejections",
        ["Withheld"] = "Resources withheld (not covered by consent)",
        ["ResourcesUnchanged"] = "Resources unchanged (validation stands)",
        ["InboxScanned"] = "Inbox scanned by this instance",
        ["Succeeded"] = "Succeeded",
    };

    private readonly JsonElement _root;

    private SyncReportView(SyncRunReport run, JsonElement root)
    {
        Run = run;
        _root = root;
    }

    public SyncRunReport Run { get; }

    public static SyncReportView? From(SyncRunReport run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.ReportJson is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(run.ReportJson);
        return new SyncReportView(run, document.RootElement.Clone());
    }

    public TimeSpan? Duration => Time("Started") is { } s && Time("Finished") is { } f ? f - s : null;

    /// <summary>A count by property name; 0 when the report has no such field.</summary>
    public long Count(string name) => _root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

    public DateTimeOffset? Time(string name) =>
        _root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.TryGetDateTimeOffset(out var t) ? t : null;

    /// <summary>Every field with its label and value as text; lists and nested objects as lines.</summary>
    public IReadOnlyList<ReportField> Fields() =>
        [.. _root.EnumerateObject().Select(p => new ReportField(p.Name, LabelOf(p.Name), Lines(p.Value)))];

    public static string LabelOf(string name)
    {
        if (Labels.TryGetValue(name, out var label))
        {
            return label;
        }

        // "ConflictsPending" reads "Conflicts pending".
        var text = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    private static IReadOnlyList<string> Lines(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => [.. value.EnumerateArray().Select(Text)],
        _ => [Text(value)],
    };

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when value.TryGetDateTimeOffset(out var t) && value.GetString()!.Length >= 19 => Format.Time(t),
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.TryGetInt64(out var n) ? Format.Count(n) : value.GetDouble().ToString(CultureInfo.InvariantCulture),
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Null => "",
        JsonValueKind.Object => string.Join(", ", value.EnumerateObject().Select(p => $"{LabelOf(p.Name)}: {Text(p.Value)}")),
        _ => value.GetRawText(),
    };
}

public sealed record ReportField(string Name, string Label, IReadOnlyList<string> Lines);
