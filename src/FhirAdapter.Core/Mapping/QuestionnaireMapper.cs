using System.Text.Json;
using FhirAdapter.Core.Reading;
using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Mapping;

/// <summary>form → Questionnaire, following SDC practice (see docs/mapping.md).</summary>
internal sealed class QuestionnaireMapper(ClinicCanonicals canonicals)
{
    public Questionnaire Map(ClinicRecord record)
    {
        var form = record.As<FormPayload>();
        var items = form.AllItems().ToDictionary(i => i.LinkId, StringComparer.Ordinal);
        var questionnaire = new Questionnaire
        {
            Url = canonicals.QuestionnaireUrl(form.FormId),
            Version = form.Version,
            Identifier = [FhirValues.Identifier(canonicals.RecordSystem, $"{form.FormId}|{form.Version}")],
            Name = Name(form.FormId),
            Title = form.Title,
            Status = record.IsEnteredInError ? PublicationStatus.Retired : Status(form.Status),
            Date = FhirValues.DateTime(record.UpdatedAt),
            Publisher = form.Publisher,
            Description = form.Description is null ? null : new Markdown(form.Description),
            SubjectType = [ResourceType.Patient],
            Item = [.. form.Items.Select(i => MapItem(i, items))],
        };
        return questionnaire;
    }

    private static Questionnaire.ItemComponent MapItem(FormItem item, IReadOnlyDictionary<string, FormItem> items)
    {
        var mapped = new Questionnaire.ItemComponent
        {
            LinkId = item.LinkId,
            Text = item.Text,
            Type = ItemType(item.Type),
            Code = [.. item.Code.Select(c => FhirValues.Coding(c.System, c.Code, c.Display))],
        };

        if (item.Type != "display")
        {
            mapped.Required = item.Required;
            mapped.Repeats = item.Repeats;
        }

        if (item.Score is { } score)
        {
            // A calculated total: filled in by the clinic system, never typed by the patient.
            mapped.ReadOnly = true;
            if (score.Code is { } code && mapped.Code.Count == 0)
            {
                mapped.Code.Add(FhirValues.Coding(code.System, code.Code, code.Display));
            }
        }

        foreach (var option in item.Options)
        {
            var coding = new Coding(option.System, option.Code, option.Display);
            if (option.Score is { } value)
            {
                coding.Extension.Add(new Extension(Codes.OrdinalValueExtension, new FhirDecimal(value)));
            }

            mapped.AnswerOption.Add(new Questionnaire.AnswerOptionComponent { Value = coding });
        }

        if (item.Unit is { } unit)
        {
            mapped.Extension.Add(new Extension(Codes.QuestionnaireUnitExtension, new Coding(Codes.Ucum, unit, unit)));
        }

        if (item.EnableWhen is { } when && items.TryGetValue(when.LinkId, out var question))
        {
            mapped.EnableWhen.Add(EnableWhen(when, question));
        }

        mapped.Item.AddRange(item.Items.Select(i => MapItem(i, items)));
        return mapped;
    }

    private static Questionnaire.EnableWhenComponent EnableWhen(FormEnableWhen when, FormItem question)
    {
        var component = new Questionnaire.EnableWhenComponent
        {
            Question = when.LinkId,
            Operator = when.Operator switch
            {
                "=" => Questionnaire.QuestionnaireItemOperator.Equal,
                "!=" => Questionnaire.QuestionnaireItemOperator.NotEqual,
                ">" => Questionnaire.QuestionnaireItemOperator.GreaterThan,
                "<" => Questionnaire.QuestionnaireItemOperator.LessThan,
                ">=" => Questionnaire.QuestionnaireItemOperator.GreaterOrEqual,
                "<=" => Questionnaire.QuestionnaireItemOperator.LessOrEqual,
                _ => Questionnaire.QuestionnaireItemOperator.Exists,
            },
        };

        component.Answer = when.Operator == "exists"
            ? new FhirBoolean(when.Answer is not { ValueKind: JsonValueKind.False })
            : AnswerValue(when.Answer!.Value, question);
        return component;
    }

    /// <summary>An enableWhen answer typed like the question it tests.</summary>
    private static DataType AnswerValue(JsonElement answer, FormItem question) => question.Type switch
    {
        "boolean" when answer.ValueKind is JsonValueKind.True or JsonValueKind.False => new FhirBoolean(answer.GetBoolean()),
        "integer" when answer.TryGetInt32(out var number) => new Integer(number),
        "decimal" when answer.ValueKind == JsonValueKind.Number => new FhirDecimal(answer.GetDecimal()),
        "date" => new Date(answer.GetString()),
        "dateTime" => new FhirDateTime(answer.GetString()),
        "choice" or "open-choice" when answer.ValueKind == JsonValueKind.String
            && question.Options.FirstOrDefault(o => o.Code == answer.GetString()) is { } option
            => new Coding(option.System, option.Code, option.Display),
        _ => new FhirString(answer.ValueKind == JsonValueKind.String ? answer.GetString() : answer.GetRawText()),
    };

    private static Questionnaire.QuestionnaireItemType ItemType(string type) => type switch
    {
        "group" => Questionnaire.QuestionnaireItemType.Group,
        "display" => Questionnaire.QuestionnaireItemType.Display,
        "boolean" => Questionnaire.QuestionnaireItemType.Boolean,
        "integer" => Questionnaire.QuestionnaireItemType.Integer,
        "decimal" => Questionnaire.QuestionnaireItemType.Decimal,
        "string" => Questionnaire.QuestionnaireItemType.String,
        "text" => Questionnaire.QuestionnaireItemType.Text,
        "date" => Questionnaire.QuestionnaireItemType.Date,
        "dateTime" => Questionnaire.QuestionnaireItemType.DateTime,
        "choice" => Questionnaire.QuestionnaireItemType.Choice,
        _ => Questionnaire.QuestionnaireItemType.OpenChoice,
    };

    private static PublicationStatus Status(string status) => status switch
    {
        "draft" => PublicationStatus.Draft,
        "active" => PublicationStatus.Active,
        _ => PublicationStatus.Retired,
    };

    /// <summary>Questionnaire.name must be machine-friendly: start with a capital letter, letters and digits only.</summary>
    private static string Name(string formId)
    {
        var parts = formId.Split(['-', '_', '.'], StringSplitOptions.RemoveEmptyEntries);
        var name = string.Concat(parts.Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
        return char.IsAsciiLetter(name.FirstOrDefault()) ? name : "Form" + name;
    }
}
