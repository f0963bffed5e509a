using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Tests.Support;

namespace FhirAdapter.Core.Tests.Reading;

public sealed class CsvSessionReaderTests
{
    private static readonly string Example = File.ReadAllText(Path.Combine(RepoPaths.RecordExamples, "sessions.csv"));

    [Fact]
    public async Task Reads_the_contract_example_with_local_times_in_New_York()
    {
        var record = Assert.Single(await Read.TextAsync("s.csv", Example)).Record!;
        var session = record.As<SessionPayload>();

        // 12 March 2026 is after the spring-forward change (8 March): EDT, -04:00.
        Assert.Equal(new DateTimeOffset(2026, 3, 12, 10, 5, 0, TimeSpan.FromHours(-4)), session.StartedAt);
        Assert.Equal(TimeSpan.FromHours(-4), session.StartedAt!.Value.Offset);
        Assert.Equal(TimeSpan.FromHours(-5), record.UpdatedAt.Offset); // given with its offset, kept as given
        Assert.Equal(34.2m, session.Dose.TotalMg);
        Assert.Equal(["nausea:mild", "dizziness:mild"], session.SideEffects.Select(e => $"{e.Effect}:{e.Severity}"));
        Assert.Equal("Mood brighter, \"first good week in years\".", session.Notes);
        Assert.Equal(14, session.Scores!.Phq9);
        Assert.Equal(["pre", "post"], session.Vitals.Select(v => v.Phase));
        Assert.Equal(session.DischargedAt, session.Vitals[1].At);
    }

    [Fact]
    public async Task Winter_local_times_get_the_standard_offset()
    {
        var csv = Example.Replace("2026-03-12T10:05:00,", "2026-01-12T10:05:00,", StringComparison.Ordinal)
            .Replace("2026-03-12T10:45:00", "2026-01-12T10:45:00", StringComparison.Ordinal)
            .Replace("2026-03-12T12:10:00", "2026-01-12T12:10:00", StringComparison.Ordinal);

        var session = Assert.Single(await Read.TextAsync("s.csv", csv)).Record!.As<SessionPayload>();

        Assert.Equal(TimeSpan.FromHours(-5), session.StartedAt!.Value.Offset);
    }

    [Fact]
    public async Task Columns_may_come_in_any_order_and_extra_columns_are_ignored()
    {
        var lines = Example.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        var reordered = "extraColumn," + string.Join(',', header.Reverse());
        var cells = SplitCsv(lines[1]);
        var row = "ignored," + string.Join(',', cells.AsEnumerable().Reverse().Select(Quote));

        var record = Assert.Single(await Read.TextAsync("s.csv", $"{reordered}\n{row}\n")).Record!;

        Assert.Equal("SES-2026-004452", record.RecordId);
        Assert.Equal(34.2m, record.As<SessionPayload>().Dose.TotalMg);
    }

    [Fact]
    public async Task A_bad_number_is_reported_by_its_column_and_row_and_the_next_row_still_read()
    {
        var lines = Example.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var bad = lines[1].Replace(",34.2,", ",lots,", StringComparison.Ordinal);
        var second = lines[1].Replace("SES-2026-004452", "SES-2026-004453", StringComparison.Ordinal);

        var items = await Read.TextAsync("s.csv", $"{lines[0]}\n{bad}\n{second}\n");

        var error = Assert.Single(items[0].Errors);
        Assert.Equal("s.csv row 1 (line 2)", error.Source.ToString());
        Assert.Equal("SES-2026-004452", error.RecordId);
        Assert.Equal("totalMg", error.Field);
        Assert.Equal("SES-2026-004453", items[1].Record!.RecordId);
    }

    [Fact]
    public async Task A_row_with_the_wrong_number_of_cells_is_rejected()
    {
        var lines = Example.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var items = await Read.TextAsync("s.csv", $"{lines[0]}\nSES-1,2026-03-12T12:30:00-05:00,active\n");

        Assert.Contains("3 cells where the header has", Assert.Single(Assert.Single(items).Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_local_time_skipped_by_daylight_saving_is_rejected()
    {
        var csv = Example.Replace("2026-03-12T10:05:00,", "2026-03-08T02:30:00,", StringComparison.Ordinal);

        var error = Assert.Single(Assert.Single(await Read.TextAsync("s.csv", csv)).Errors);

        Assert.Equal("startedAt", error.Field);
        Assert.Contains("daylight-saving", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_side_effect_entry_names_the_column()
    {
        var csv = Example.Replace("nausea:mild;dizziness:mild", "nausea;dizziness:awful", StringComparison.Ordinal);

        var errors = Assert.Single(await Read.TextAsync("s.csv", csv)).Errors;

        Assert.All(errors, e => Assert.Equal("sideEffects", e.Field));
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public async Task A_header_without_the_key_columns_is_reported_once()
    {
        var items = await Read.TextAsync("s.csv", "a,b\n1,2\n");

        Assert.Contains("recordId, updatedAt, patientMrn", Assert.Single(Assert.Single(items).Errors).Message, StringComparison.Ordinal);
    }

    private static string Quote(string cell) =>
        cell.Contains(',', StringComparison.Ordinal) || cell.Contains('"', StringComparison.Ordinal) ? $"\"{cell.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : cell;

    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                current.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                cells.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        cells.Add(current.ToString().TrimEnd('\r'));
        return cells;
    }
}
