using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using CsvHelper.Configuration;

namespace FhirAdapter.Core.Reading;

/// <summary>
/// Reads session rows from a CSV file (RFC 4180, header row, any column order). Each row becomes
/// the JSON shape of a session record and goes through the same checks as JSON sessions; errors
/// name the CSV column rather than the JSON path.
/// </summary>
internal static class CsvSessionReader
{
    private static readonly string[] DateTimeColumns = ["updatedAt", "startedAt", "endedAt", "dischargedAt"];

    /// <summary>JSON path of each column, so an error on dose.totalMg names the column totalMg.</summary>
    private static readonly Dictionary<string, string> ColumnOfPath = new()
    {
        ["course.courseId"] = "courseId", ["course.sessionNumber"] = "sessionNumber",
        ["provider.name"] = "providerName", ["provider.npi"] = "providerNpi",
        ["dose.totalMg"] = "totalMg", ["dose.mgPerKg"] = "mgPerKg", ["dose.infusionMinutes"] = "infusionMinutes",
        ["dose.lotNumber"] = "lotNumber", ["scores.cadss"] = "cadss", ["scores.moaas"] = "moaas", ["scores.phq9"] = "phq9",
        ["provider"] = "providerName", ["dose"] = "totalMg",
    };

    public static async IAsyncEnumerable<ReadItem> ReadAsync(Stream stream, string fileName, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var badData = new List<string>();
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = true,
            TrimOptions = TrimOptions.None,
            DetectColumnCountChanges = false,
            MissingFieldFound = null,
            HeaderValidated = null,
            BadDataFound = args => badData.Add("a quote is out of place in a field"),
        };

        // The stream is UTF-8 without its byte-order mark (InboxEncoding); bytes that are not UTF-8 decode to U+FFFD,
        // which rejects their row below instead of corrupting a name silently.
        using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        using var csv = new CsvReader(reader, config);
        if (!await csv.ReadAsync().ConfigureAwait(false) || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header)
        {
            yield return ReadItem.Invalid(new RecordError(new SourceLocation(fileName), null, "", "the file has no header row"));
            yield break;
        }

        var missing = new[] { "recordId", "updatedAt", "patientMrn" }.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            yield return ReadItem.Invalid(new RecordError(new SourceLocation(fileName, Line: 1), null, "",
                $"the header lacks the column(s) {string.Join(", ", missing)}; no row can be read"));
            yield break;
        }

        var row = 0;
        while (await csv.ReadAsync().ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            row++;
            var source = new SourceLocation(fileName, Line: csv.Parser.RawRow, Row: row);
            var cells = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length && i < csv.Parser.Count; i++)
            {
                cells[header[i]] = csv.Parser[i] ?? "";
            }

            var recordId = cells.GetValueOrDefault("recordId") is { Length: > 0 } id ? id : null;
            if (badData.Count > 0 || csv.Parser.Count != header.Length)
            {
                var problem = badData.Count > 0 ? badData[0] : $"the row has {csv.Parser.Count} cells where the header has {header.Length}";
                badData.Clear();
                yield return ReadItem.Invalid(new RecordError(source, recordId, "", problem)) with { RawText = csv.Parser.RawRecord };
                continue;
            }

            var item = ReadRow(cells, source);
            yield return item.Record is null ? item with { RawText = JsonSerializer.Serialize(cells) } : item;
        }
    }

    /// <summary>Reads a row again from its cells by column (as kept in the quarantine).</summary>
    internal static ReadItem ReadRow(IReadOnlyDictionary<string, string> cells, SourceLocation source)
    {
        if (cells.FirstOrDefault(c => c.Value.Contains('\uFFFD', StringComparison.Ordinal)) is { Key: { } column })
        {
            return ReadItem.Invalid(new RecordError(source, cells.GetValueOrDefault("recordId") is { Length: > 0 } id ? id : null, column, NdjsonReader.NotUtf8));
        }

        var rowErrors = new List<FieldError>();
        string? Cell(string column) => cells.TryGetValue(column, out var value) && value.Length > 0 ? value : null;

        JsonNode? Number(string column)
        {
            var text = Cell(column);
            if (text is null)
            {
                return null;
            }

            return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? JsonValue.Create(number)
                : JsonValue.Create(text); // the parser then says "must be a number"
        }

        JsonNode? Time(string column)
        {
            var text = Cell(column);
            if (text is null)
            {
                return null;
            }

            if (RecordDates.TryParseClinicDateTime(text, out var value, out var problem))
            {
                return JsonValue.Create(value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture));
            }

            rowErrors.Add(new FieldError(column, problem!));
            return null;
        }

        var updatedAt = Time("updatedAt");
        var started = Time("startedAt");
        var ended = Time("endedAt");
        var discharged = Time("dischargedAt");
        var json = new JsonObject
        {
            ["recordType"] = "session",
            ["recordId"] = Cell("recordId"),
            ["updatedAt"] = updatedAt,
            ["status"] = Cell("status"),
            ["site"] = Cell("site"),
            ["patientMrn"] = Cell("patientMrn"),
            ["startedAt"] = started,
            ["endedAt"] = ended,
            ["dischargedAt"] = discharged,
            ["sessionStatus"] = Cell("sessionStatus"),
            ["indication"] = Cell("indication"),
            ["medication"] = Cell("medication"),
            ["route"] = Cell("route"),
            ["weightKg"] = Number("weightKg"),
            ["notes"] = Cell("notes"),
        };

        if (Cell("courseId") is not null || Cell("sessionNumber") is not null)
        {
            json["course"] = new JsonObject { ["courseId"] = Cell("courseId"), ["sessionNumber"] = Number("sessionNumber") };
        }

        if (Cell("providerName") is not null || Cell("providerNpi") is not null)
        {
            json["provider"] = new JsonObject { ["name"] = Cell("providerName"), ["npi"] = Cell("providerNpi") };
        }

        if (Cell("totalMg") is not null || Cell("mgPerKg") is not null || Cell("infusionMinutes") is not null || Cell("lotNumber") is not null)
        {
            json["dose"] = new JsonObject
            {
                ["totalMg"] = Number("totalMg"),
                ["mgPerKg"] = Number("mgPerKg"),
                ["infusionMinutes"] = Number("infusionMinutes"),
                ["lotNumber"] = Cell("lotNumber"),
            };
        }

        // CSV carries no time per vitals point: pre is taken at the start, post at discharge (or the end).
        var vitals = new JsonArray();
        AddVitals(vitals, "pre", started, Number("preSystolic"), Number("preDiastolic"), Number("preHeartRate"), Number("preSpo2"));
        AddVitals(vitals, "post", discharged ?? ended, Number("postSystolic"), Number("postDiastolic"), Number("postHeartRate"), Number("postSpo2"));
        if (vitals.Count > 0)
        {
            json["vitals"] = vitals;
        }

        if (Cell("cadss") is not null || Cell("moaas") is not null || Cell("phq9") is not null)
        {
            json["scores"] = new JsonObject { ["cadss"] = Number("cadss"), ["moaas"] = Number("moaas"), ["phq9"] = Number("phq9") };
        }

        if (Cell("sideEffects") is { } effects)
        {
            var list = new JsonArray();
            foreach (var entry in effects.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var parts = entry.Split(':', 2, StringSplitOptions.TrimEntries);
                if (parts.Length != 2)
                {
                    rowErrors.Add(new FieldError("sideEffects", "each entry must be effect:severity, separated by ';'"));
                    continue;
                }

                list.Add(new JsonObject { ["effect"] = parts[0], ["severity"] = parts[1] });
            }

            json["sideEffects"] = list;
        }

        using var document = JsonDocument.Parse(json.ToJsonString());
        var item = RecordParser.Parse(document.RootElement, source);
        var recordId = Cell("recordId");
        // A bad cell already said why it is unusable; what its absence then breaks need not be said again.
        var badCells = rowErrors.Select(e => e.Field).Where(DateTimeColumns.Contains).ToHashSet(StringComparer.Ordinal);
        var errors = rowErrors.Select(e => new RecordError(source, recordId, e.Field, e.Message))
            .Concat(item.Errors.Select(e => e with { Field = ColumnOf(e.Field, vitals) }).Where(e => !badCells.Contains(e.Field)))
            .ToList();
        if (errors.Count > 0)
        {
            return ReadItem.Invalid(errors);
        }

        return item;
    }

    private static void AddVitals(JsonArray vitals, string phase, JsonNode? at, JsonNode? systolic, JsonNode? diastolic, JsonNode? heartRate, JsonNode? spo2)
    {
        if (systolic is null && diastolic is null && heartRate is null && spo2 is null)
        {
            return;
        }

        vitals.Add(new JsonObject
        {
            ["at"] = at?.DeepClone(),
            ["phase"] = phase,
            ["systolic"] = systolic,
            ["diastolic"] = diastolic,
            ["heartRate"] = heartRate,
            ["spo2"] = spo2,
        });
    }

    private static string ColumnOf(string path, JsonArray vitals)
    {
        if (ColumnOfPath.TryGetValue(path, out var column))
        {
            return column;
        }

        if (path.StartsWith("vitals[", StringComparison.Ordinal))
        {
            // vitals[0].systolic → preSystolic / postSystolic, by the phase order AddVitals used.
            var index = int.Parse(path.AsSpan(7, path.IndexOf(']', StringComparison.Ordinal) - 7), CultureInfo.InvariantCulture);
            var phase = (string)vitals[index]!["phase"]!;
            var field = path[(path.IndexOf('.', StringComparison.Ordinal) + 1)..];
            return field == "at" ? (phase == "pre" ? "startedAt" : "dischargedAt") : phase + char.ToUpperInvariant(field[0]) + field[1..];
        }

        if (path.StartsWith("sideEffects", StringComparison.Ordinal))
        {
            return "sideEffects";
        }

        return path;
    }
}
