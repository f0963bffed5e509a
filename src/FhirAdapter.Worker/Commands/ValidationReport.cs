using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Validation;
using Hl7.Fhir.Model;

namespace FhirAdapter.Worker.Commands;

/// <summary>
/// What <c>validate</c> found, written to its output as it is found (validator issues per resource, rejected records,
/// golden-file differences): memory holds the counts and the group being written, never the whole report, so that a
/// clinic of any size can be validated. Text groups the lines by file and resource; JSON is a collection Bundle of
/// one OperationOutcome per file and resource, streamed entry by entry.
/// </summary>
internal sealed class ValidationReport
{
    private readonly TextWriter _output;
    private readonly bool _json;
    private readonly List<Finding> _group = [];
    private (string File, string Resource)? _groupKey;
    private HashSet<string>? _expected;
    private string? _golden;
    private int _resources;
    private int _errors;
    private int _warnings;
    private int _entries;

    public ValidationReport(TextWriter output, bool json)
    {
        _output = output;
        _json = json;
        if (json)
        {
            _output.Write("{\n  \"resourceType\": \"Bundle\",\n  \"type\": \"collection\",\n  \"entry\": [");
        }
    }

    /// <summary>One line of the report: where (file, resource), at which FHIRPath, how severe, what.</summary>
    public sealed record Finding(string File, string Resource, string Location, OperationOutcome.IssueSeverity Severity, string Message);

    public bool HasErrors => _errors > 0;

    public void AddRejected(RecordError e) =>
        Add(new Finding(e.Source.ToString(), e.RecordId is null ? "(record)" : $"record {e.RecordId}", e.Field, OperationOutcome.IssueSeverity.Error, e.Message));

    public void Add(string file, Bundle.EntryComponent entry, OperationOutcome outcome)
    {
        _resources++;
        foreach (var issue in outcome.Issue.Where(i => i.Severity is not OperationOutcome.IssueSeverity.Information))
        {
            Add(new Finding(file, Describe(entry), string.Join(", ", issue.Expression), issue.Severity ?? OperationOutcome.IssueSeverity.Error,
                issue.Details?.Text ?? issue.Diagnostics ?? issue.Code?.ToString() ?? "invalid"));
        }
    }

    /// <summary>Compares the files produced from here on with the golden files in <paramref name="golden"/>.</summary>
    public void StartGolden(string golden)
    {
        _golden = golden;
        _expected = Directory.EnumerateFiles(golden, "*.json").Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Compares one produced file with its golden file (when golden files are compared).</summary>
    public void CompareGolden(string name, string json)
    {
        if (_golden is null || _expected is null)
        {
            return;
        }

        var path = Path.Combine(_golden, name);
        if (!_expected.Remove(name))
        {
            Add(new Finding(name, "(file)", "", OperationOutcome.IssueSeverity.Error, $"is produced but not in {_golden}"));
        }
        else if (File.ReadAllText(path) is var expected && expected != json)
        {
            Add(new Finding(name, "(file)", "", OperationOutcome.IssueSeverity.Error, $"differs from {path}: {FirstDifference(expected, json)}"));
        }
    }

    /// <summary>Ends the report: golden files no longer produced, then the closing line (text) or the end of the Bundle (JSON).</summary>
    public void Finish(string inbox, int files, TimeSpan elapsed)
    {
        foreach (var missing in _expected?.Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>())
        {
            Add(new Finding(missing, "(file)", "", OperationOutcome.IssueSeverity.Error, $"is in {_golden} but no longer produced"));
        }

        Flush();
        if (_json)
        {
            _output.WriteLine(_entries == 0 ? "]\n}" : "\n  ]\n}");
            return;
        }

        _output.WriteLine($"Validated {_resources} resources in {files} Bundles from {inbox} in {elapsed.TotalSeconds:0.0} s: {_errors} errors, {_warnings} warnings"
            + (_golden is null ? "; no golden files compared." : $"; compared with {_golden}."));
        _output.WriteLine(_errors == 0 ? "OK" : "FAILED");
    }

    private void Add(Finding finding)
    {
        if (_groupKey != (finding.File, finding.Resource))
        {
            Flush();
            _groupKey = (finding.File, finding.Resource);
        }

        _group.Add(finding);
        if (finding.Severity.IsError())
        {
            _errors++;
        }
        else if (finding.Severity == OperationOutcome.IssueSeverity.Warning)
        {
            _warnings++;
        }
    }

    /// <summary>Writes the group of findings of one file and resource.</summary>
    private void Flush()
    {
        if (_groupKey is not { } key || _group.Count == 0)
        {
            return;
        }

        if (_json)
        {
            var outcome = new OperationOutcome
            {
                Extension = [new Extension("https://fhir.kwc.example/StructureDefinition/validated-source", new FhirString($"{key.File} {key.Resource}"))],
                Issue = [.. _group.Select(f => new OperationOutcome.IssueComponent
                {
                    Severity = f.Severity,
                    Code = OperationOutcome.IssueType.Invalid,
                    Diagnostics = f.Message,
                    Expression = f.Location.Length > 0 ? [f.Location] : [],
                })],
            };
            _output.Write($"{(_entries == 0 ? "" : ",")}\n    {{ \"resource\": {FhirJson.Serialize(outcome, pretty: false)} }}");
            _entries++;
        }
        else
        {
            _output.WriteLine($"{key.File} {key.Resource}");
            foreach (var f in _group)
            {
                _output.WriteLine($"  {f.Severity.ToString().ToLowerInvariant()}: {(f.Location.Length > 0 ? f.Location + ": " : "")}{f.Message}");
            }
        }

        _group.Clear();
        _groupKey = null;
    }

    private static string Describe(Bundle.EntryComponent entry)
    {
        var url = entry.Request?.Url ?? "";
        var identity = url[(url.IndexOf('=', StringComparison.Ordinal) + 1)..];
        // A Patient's identity is its MRN: name the resource by type alone there.
        return entry.Resource is Patient ? "Patient" : $"{entry.Resource!.TypeName} {identity[(identity.LastIndexOf('|') + 1)..]}";
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            if ((i < e.Length ? e[i] : null) != (i < a.Length ? a[i] : null))
            {
                return $"first at line {i + 1}";
            }
        }

        return "whitespace only";
    }
}
