using System.Text.Json;

namespace FhirAdapter.Core.Reading;

/// <summary>Reads a <c>form</c> record's content and checks that its items hang together.</summary>
internal static class FormParser
{
    internal static readonly string[] Statuses = ["draft", "active", "retired", "entered-in-error"];

    internal static readonly string[] ItemTypes =
        ["group", "display", "boolean", "integer", "decimal", "string", "text", "date", "dateTime", "choice", "open-choice"];

    private static readonly string[] Operators = ["=", "!=", ">", "<", ">=", "<=", "exists"];

    public static FormPayload? Parse(JsonFields fields)
    {
        var formId = fields.String("formId", required: true, maxLength: 64, pattern: RecordParser.RecordIdPattern(), patternHint: "1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'");
        var version = fields.String("version", required: true, maxLength: 64);
        var title = fields.String("title", required: true);
        var status = fields.String("status"); // checked with the envelope (RecordParser)
        var publisher = fields.String("publisher");
        var description = fields.String("description");
        if (!fields.Has("items"))
        {
            fields.Error("items", "is required");
        }

        var items = ParseItems(fields, "items");
        CheckReferences(fields, items);
        return formId is null || version is null || title is null || status is null
            ? null
            : new FormPayload(formId, version, title, status, publisher, description, items);
    }

    private static List<FormItem> ParseItems(JsonFields parent, string name)
    {
        var items = new List<FormItem>();
        foreach (var item in parent.Objects(name))
        {
            var parsed = ParseItem(item);
            if (parsed is not null)
            {
                items.Add(parsed);
            }
        }

        return items;
    }

    private static FormItem? ParseItem(JsonFields item)
    {
        var linkId = item.String("linkId", required: true, maxLength: 255);
        var text = item.String("text") ?? "";
        var type = item.Code("type", ItemTypes, required: true);
        var required = item.Bool("required") ?? false;
        var repeats = item.Bool("repeats") ?? false;
        var code = ParseCodings(item, "code");
        var options = new List<FormOption>();
        foreach (var option in item.Objects("options"))
        {
            var optionCode = option.String("code", required: true);
            var display = option.String("display") ?? optionCode ?? "";
            var system = option.String("system");
            var optionScore = option.Decimal("score");
            if (optionCode is not null)
            {
                options.Add(new FormOption(optionCode, display, system is null ? null : Mapping.Codes.ExpandSystem(system), optionScore));
            }
        }

        FormEnableWhen? enableWhen = null;
        if (item.Object("enableWhen") is { } when)
        {
            var question = when.String("linkId", required: true);
            var op = when.Code("operator", Operators, required: true);
            var answer = when.Raw("answer");
            if (answer is null && op is not null and not "exists")
            {
                when.Error("answer", "is required unless the operator is 'exists'");
            }

            if (question is not null && op is not null)
            {
                enableWhen = new FormEnableWhen(question, op, answer);
            }
        }

        var children = ParseItems(item, "items");
        var unit = item.String("unit");
        FormScore? scoreRule = null;
        if (item.Object("score") is { } score)
        {
            var sumOf = score.Codes("sumOf");
            if (sumOf.Count == 0)
            {
                score.Error("sumOf", "must list at least one linkId");
            }

            ClinicCoding? scoreCode = null;
            if (score.Object("code") is { } coding)
            {
                scoreCode = ParseCoding(coding);
            }

            scoreRule = new FormScore(sumOf, scoreCode);
        }

        if (type == "choice" && options.Count == 0)
        {
            item.Error("options", "a choice item needs at least one option");
        }

        return linkId is null || type is null
            ? null
            : new FormItem(linkId, text, type, required, repeats, code, options, enableWhen, children, unit, scoreRule);
    }

    private static List<ClinicCoding> ParseCodings(JsonFields parent, string name)
    {
        var codings = new List<ClinicCoding>();
        foreach (var coding in parent.Objects(name))
        {
            if (ParseCoding(coding) is { } parsed)
            {
                codings.Add(parsed);
            }
        }

        return codings;
    }

    private static ClinicCoding? ParseCoding(JsonFields coding)
    {
        var system = coding.String("system", required: true);
        var code = coding.String("code", required: true);
        var display = coding.String("display");
        return system is null || code is null ? null : new ClinicCoding(Mapping.Codes.ExpandSystem(system), code, display);
    }

    /// <summary>linkIds unique; enableWhen and score.sumOf name items that exist.</summary>
    private static void CheckReferences(JsonFields fields, List<FormItem> items)
    {
        var all = new FormPayload("", "", "", "", null, null, items).AllItems().ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in all)
        {
            if (!seen.Add(item.LinkId))
            {
                fields.Error("items", $"linkId '{item.LinkId}' is used by more than one item");
            }
        }

        foreach (var item in all)
        {
            if (item.EnableWhen is { } when && !seen.Contains(when.LinkId))
            {
                fields.Error("items", $"item '{item.LinkId}' enableWhen names linkId '{when.LinkId}', which is not an item of this form");
            }

            foreach (var source in item.Score?.SumOf ?? [])
            {
                if (!seen.Contains(source))
                {
                    fields.Error("items", $"item '{item.LinkId}' score.sumOf names linkId '{source}', which is not an item of this form");
                }
            }
        }
    }
}
