using System.Text.Json;

namespace FhirAdapter.Core.Reading;

/// <summary>A form definition: one of the clinic's questionnaires, in one version.</summary>
public sealed record FormPayload(
    string FormId,
    string Version,
    string Title,
    string Status,
    string? Publisher,
    string? Description,
    IReadOnlyList<FormItem> Items) : RecordPayload
{
    /// <summary>Every item at any depth, in document order.</summary>
    public IEnumerable<FormItem> AllItems() => Flatten(Items);

    private static IEnumerable<FormItem> Flatten(IEnumerable<FormItem> items)
    {
        foreach (var item in items)
        {
            yield return item;
            foreach (var child in Flatten(item.Items))
            {
                yield return child;
            }
        }
    }
}

public sealed record FormItem(
    string LinkId,
    string Text,
    string Type,
    bool Required,
    bool Repeats,
    IReadOnlyList<ClinicCoding> Code,
    IReadOnlyList<FormOption> Options,
    FormEnableWhen? EnableWhen,
    IReadOnlyList<FormItem> Items,
    string? Unit,
    FormScore? Score);

public sealed record FormOption(string Code, string Display, string? System, decimal? Score);

public sealed record FormEnableWhen(string LinkId, string Operator, JsonElement? Answer);

public sealed record FormScore(IReadOnlyList<string> SumOf, ClinicCoding? Code);

/// <summary>A coding as the export writes it; <see cref="System"/> already expanded to a canonical URI.</summary>
public sealed record ClinicCoding(string System, string Code, string? Display);
