using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using FhirAdapter.Testing;
using FhirAdapter.Worker.Tests.Support;

namespace FhirAdapter.Worker.Tests.Diagnostics;

/// <summary>
/// Runs the real worker at its most verbose over valid and invalid records, with a destination that
/// accepts, one that is down, and the quarantine, and checks that no name, birth date, phone, email,
/// address, MRN or note of any sample patient appears in anything it logged or printed.
/// </summary>
[Collection(FhirServerCollection.Name)]
public sealed class NoPatientDataInLogsTests(FhirServerFixture server)
{
    [Fact]
    public async Task No_patient_data_appears_in_logs_or_output_on_any_path()
    {
        // The values looked for, shown first to be there: a check for nothing would pass on nothing.
        var sensitive = SensitiveValues();
        Assert.NotEmpty(sensitive);
        Assert.Contains(sensitive, v => v.StartsWith("KWC-", StringComparison.Ordinal)); // MRNs
        Assert.Contains(sensitive, v => Regex.IsMatch(v, @"^\d{4}-\d{2}-\d{2}$")); // birth dates
        Assert.Contains(sensitive, v => v.Contains('@', StringComparison.Ordinal)); // emails
        Assert.Contains(sensitive, v => v.Contains(' ', StringComparison.Ordinal) && v.Length > 40); // free-text notes

        await server.ResetAsync();
        using var setup = new SyncSetup(server.BaseUrl);
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Invalid).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(setup.Inbox, "invalid-" + Path.GetFileName(file)));
        }

        string[] verbose = ["--Adapter:Logging:Level=Verbose", "--Adapter:Destinations:1:Name=down", "--Adapter:Destinations:1:OrganizationId=bhn",
            "--Adapter:Destinations:1:BaseUrl=http://127.0.0.1:9/fhir", "--Adapter:Destinations:1:MaxRetryAttempts=1",
            "--Adapter:Destinations:1:AttemptTimeout=00:00:05", "--Adapter:Destinations:1:TotalTimeout=00:00:10"];
        var output = new List<string>();
        foreach (var command in new[] { new[] { "sync", "--once" }, ["status"], ["quarantine", "list"], ["quarantine", "retry", "--all"], ["sync", "--once"] })
        {
            using var worker = WorkerProcess.Start(setup.Root, [.. setup.Args(command), .. verbose]);
            await worker.WaitAsync(TimeSpan.FromMinutes(3));
            output.Add(worker.Output);
        }

        var text = string.Join("\n", output);
        Assert.Contains("Sent:", text, StringComparison.Ordinal); // the runs did real work
        Assert.Contains("quarantined records", text, StringComparison.Ordinal);
        // Whole words only: a surname like "Tran" must not match "Transaction".
        var leaks = sensitive.Where(v => Regex.IsMatch(text, $@"(?<![\w-]){Regex.Escape(v)}(?![\w-])", RegexOptions.IgnoreCase)).ToList();
        Assert.True(leaks.Count == 0, "patient data in the output: " + string.Join(", ", leaks.Take(10)));
    }

    /// <summary>Every identifying or free-text value of every sample patient, from the records themselves.</summary>
    private static HashSet<string> SensitiveValues()
    {
        var values = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Inbox).Concat(Directory.EnumerateFiles(RepoPaths.Invalid)))
        {
            foreach (var record in JsonRecords(file))
            {
                var patient = record["patient"];
                foreach (var path in new[] { "mrn", "firstName", "middleName", "lastName", "preferredName", "dateOfBirth", "email" })
                {
                    Add(values, patient?[path]);
                }

                Add(values, patient?["address"]?["line1"]);
                Add(values, patient?["emergencyContact"]?["name"]);
                Add(values, patient?["emergencyContact"]?["phone"]);
                foreach (var phone in patient?["phones"]?.AsArray() ?? [])
                {
                    Add(values, phone?["number"]);
                }

                Add(values, record["patientMrn"]);
                Add(values, record["notes"]);
                Add(values, record["misuseRisk"]?["notes"]);
            }

            if (file.EndsWith(".csv", StringComparison.Ordinal))
            {
                foreach (var mrn in File.ReadAllText(file).Split(',', '\n').Where(c => c.StartsWith("KWC-", StringComparison.Ordinal)))
                {
                    values.Add(mrn.Trim());
                }
            }
        }

        // Short values (a first name like "Al") would match ordinary words; names of three or more letters stay.
        values.RemoveWhere(v => v.Length < 3);
        return values;
    }

    private static void Add(HashSet<string> values, JsonNode? node)
    {
        if (node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text))
        {
            values.Add(text.Trim());
        }
    }

    private static IEnumerable<JsonObject> JsonRecords(string file)
    {
        var text = File.ReadAllText(file);
        IEnumerable<string> chunks = file.EndsWith(".ndjson", StringComparison.Ordinal) ? text.Split('\n') : file.EndsWith(".json", StringComparison.Ordinal) ? [text] : [];
        foreach (var chunk in chunks.Where(c => c.Trim().Length > 0))
        {
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(chunk);
            }
            catch (System.Text.Json.JsonException)
            {
                continue; // the deliberately broken lines of samples/invalid
            }

            foreach (var record in node is JsonArray array ? array.OfType<JsonObject>() : node is JsonObject one ? [one] : [])
            {
                yield return record;
            }
        }
    }
}
