using System.Globalization;
using System.Text.Json;
using FhirAdapter.Core.Reading;
using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Mapping;

/// <summary>
/// An intake's answers → QuestionnaireResponse, typed by their form items and nested as the form
/// nests them; calculated totals are summed from the chosen options' scores.
/// </summary>
internal static class QuestionnaireResponseMapper
{
    public sealed record Result(QuestionnaireResponse Response, IReadOnlyDictionary<string, decimal> Totals);

    public static Result Map(IntakePayload intake, FormPayload form, string questionnaireCanonical)
    {
        var items = form.AllItems().ToDictionary(i => i.LinkId, StringComparer.Ordinal);
        var errors = new List<FieldError>();
        var answers = new Dictionary<string, List<DataType>>(StringComparer.Ordinal);
        var optionScores = new Dictionary<string, decimal>(StringComparer.Ordinal);
        for (var i = 0; i < intake.Answers.Count; i++)
        {
            var answer = intake.Answers[i];
            var path = $"answers[{i}]";
            if (!items.TryGetValue(answer.LinkId, out var item))
            {
                errors.Add(new FieldError($"{path}.linkId", $"'{answer.LinkId}' is not an item of form {form.FormId} version {form.Version}"));
                continue;
            }

            if (item.Type is "group" or "display")
            {
                errors.Add(new FieldError($"{path}.linkId", $"'{answer.LinkId}' is a {item.Type} item and takes no answer"));
                continue;
            }

            if (answers.ContainsKey(answer.LinkId))
            {
                errors.Add(new FieldError($"{path}.linkId", $"'{answer.LinkId}' is answered more than once"));
                continue;
            }

            var values = answer.Value.ValueKind == JsonValueKind.Array ? answer.Value.EnumerateArray().ToList() : [answer.Value];
            if (answer.Value.ValueKind == JsonValueKind.Array && !item.Repeats)
            {
                errors.Add(new FieldError($"{path}.value", $"item '{item.LinkId}' does not repeat, so it takes one value, not an array"));
                continue;
            }

            var typed = new List<DataType>();
            foreach (var value in values)
            {
                if (Typed(value, item, out var problem, out var score) is { } fhirValue)
                {
                    typed.Add(fhirValue);
                    if (score is { } s)
                    {
                        optionScores[item.LinkId] = optionScores.GetValueOrDefault(item.LinkId) + s;
                    }
                }
                else
                {
                    errors.Add(new FieldError($"{path}.value", problem!));
                }
            }

            answers[item.LinkId] = typed;
        }

        var totals = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var item in items.Values.Where(i => i.Score is not null))
        {
            // A total only when every item it sums was answered: a partial sum would understate it.
            if (item.Score!.SumOf.All(optionScores.ContainsKey))
            {
                var total = item.Score.SumOf.Sum(id => optionScores[id]);
                totals[item.LinkId] = total;
                if (answers.TryGetValue(item.LinkId, out var given) && given.Count == 1 && !SameNumber(given[0], total))
                {
                    errors.Add(new FieldError("answers", $"the answer to '{item.LinkId}' does not equal the sum of the items it totals"));
                }

                answers[item.LinkId] = [item.Type == "decimal" ? new FhirDecimal(total) : new Integer((int)total)];
            }
        }

        if (errors.Count > 0)
        {
            throw new MappingException(errors);
        }

        var response = new QuestionnaireResponse
        {
            Questionnaire = questionnaireCanonical,
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            Authored = FhirValues.DateTime(intake.SubmittedAt),
            Item = Items(form.Items, answers),
        };
        return new Result(response, totals);
    }

    private static List<QuestionnaireResponse.ItemComponent> Items(IEnumerable<FormItem> formItems, Dictionary<string, List<DataType>> answers)
    {
        var result = new List<QuestionnaireResponse.ItemComponent>();
        foreach (var item in formItems)
        {
            var children = Items(item.Items, answers);
            if (item.Type == "group")
            {
                if (children.Count > 0)
                {
                    result.Add(new QuestionnaireResponse.ItemComponent { LinkId = item.LinkId, Text = item.Text, Item = children });
                }

                continue;
            }

            if (!answers.TryGetValue(item.LinkId, out var values) || values.Count == 0)
            {
                continue;
            }

            var mapped = new QuestionnaireResponse.ItemComponent { LinkId = item.LinkId, Text = item.Text };
            foreach (var value in values)
            {
                mapped.Answer.Add(new QuestionnaireResponse.AnswerComponent { Value = value });
            }

            if (children.Count > 0)
            {
                // Items nested under a question belong under its answer in a response.
                mapped.Answer[0].Item.AddRange(children);
            }

            result.Add(mapped);
        }

        return result;
    }

    /// <summary>A JSON answer as the FHIR type its item asks for; problems never echo the value.</summary>
    private static DataType? Typed(JsonElement value, FormItem item, out string? problem, out decimal? score)
    {
        problem = null;
        score = null;
        switch (item.Type)
        {
            case "boolean" when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                return new FhirBoolean(value.GetBoolean());
            case "integer" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var whole):
                return new Integer(whole);
            case "decimal" when value.ValueKind == JsonValueKind.Number:
                return new FhirDecimal(value.GetDecimal());
            case "string" or "text" when value.ValueKind == JsonValueKind.String:
                return new FhirString(value.GetString());
            case "date" when value.ValueKind == JsonValueKind.String && RecordDates.TryParseDate(value.GetString()!, out _):
                return new Date(value.GetString());
            case "dateTime" when value.ValueKind == JsonValueKind.String
                && (RecordDates.TryParseDateTimeWithOffset(value.GetString()!, out _) || RecordDates.TryParseDate(value.GetString()!, out _)):
                return new FhirDateTime(value.GetString());
            case "choice" or "open-choice" when value.ValueKind == JsonValueKind.String:
                if (item.Options.FirstOrDefault(o => o.Code == value.GetString()) is { } option)
                {
                    score = option.Score;
                    return new Coding(option.System, option.Code, option.Display);
                }

                if (item.Type == "open-choice")
                {
                    return new FhirString(value.GetString());
                }

                problem = $"'{value.GetString()}' is not an option of item '{item.LinkId}' (options: {string.Join(", ", item.Options.Select(o => o.Code))})";
                return null;
        }

        problem = $"item '{item.LinkId}' is of type {item.Type} and cannot take {JsonFields.Describe(value)}{Expected(item.Type)}";
        return null;
    }

    private static string Expected(string type) => type switch
    {
        "date" => " (expected YYYY-MM-DD)",
        "dateTime" => " (expected a date-time with offset)",
        "integer" => " (expected a whole number)",
        _ => "",
    };

    private static bool SameNumber(DataType value, decimal total) => value switch
    {
        Integer i => i.Value == total,
        FhirDecimal d => d.Value == total,
        _ => decimal.TryParse(value.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n == total,
    };
}
