using FhirAdapter.Core.Export;
using FhirAdapter.Core.Mapping;
using Hl7.Fhir.Model;

namespace FhirAdapter.Worker.Commands;

/// <summary>What <c>validate</c> found: validator issues per resource, rejected records, golden-file differences.</summary>
internal sealed class ValidationReport
{
    private readonly List<Finding> _findings = [];
    private int _resources;

    /// <summary>One line of the report: where (file, resource), at which FHIRPath, how severe, what.</summary>
    public sealed record Finding(string File, string Resource, string Location, OperationOutcome.IssueSeverity Severity, string Message);

    public bool HasErrors => _findings.Any(f => f.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);

    public void AddRejected(IEnumerable<RecordError> errors)
    {
        foreach (var e in errors)
        {
            _findings.Add(new Finding(e.Source.ToString(), e.RecordId is null ? "(record)" : $"record {e.RecordId}", e.Field, OperationOutcome.IssueSeverity.Error, e.Message));
        }
    }

    public void Add(string file, Bundle.EntryComponent entry, OperationOutcome outcome)
    {
        _resources++;
        foreach (var issue in outcome.Issue.Where(i => i.Severity is not OperationOutcome.IssueSeverity.Information))
        {
            _findings.Add(new Finding(file, Describe(entry), string.Join(", ", issue.Expression), issue.Severity ?? OperationOutcome.IssueSeverity.Error,
                issue.Details?.Text ?? issue.Diagnostics ?? issue.Code?.ToString() ?? "invalid"));
        }
    }

    public void CompareGolden(string golden, IReadOnlyList<(string Name, string Json)> files)
    {
        var expected = Directory.EnumerateFiles(golden, "*.json").Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var (name, json) in files)
        {
            var path = Path.Combine(golden, name);
            if (!expected.Remove(name))
            {
                _findings.Add(new Finding(name, "(file)", "", OperationOutcome.IssueSeverity.Error, $"is produced but not in {golden}"));
            }
            else if (File.ReadAllText(path) != json)
            {
                _findings.Add(new Finding(name, "(file)", "", OperationOutcome.IssueSeverity.Error, $"differs from {path}: {FirstDifference(File.ReadAllText(path), json)}"));
            }
        }

        foreach (var missing in expected.Order(StringComparer.Ordinal))
        {
            _findings.Add(new Finding(missing, "(file)", "", OperationOutcome.IssueSeverity.Error, $"is in {golden} but no longer produced"));
        }
    }

    public void WriteText(TextWriter output, string inbox, string? golden, int files, TimeSpan elapsed)
    {
        foreach (var group in _findings.GroupBy(f => (f.File, f.Resource)))
        {
            output.WriteLine($"{group.Key.File} {group.Key.Resource}");
            foreach (var f in group)
            {
                output.WriteLine($"  {f.Severity.ToString().ToLowerInvariant()}: {(f.Location.Length > 0 ? f.Location + ": " : "")}{f.Message}");
            }
        }

        var errors = _findings.Count(f => f.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);
        var warnings = _findings.Count(f => f.Severity == OperationOutcome.IssueSeverity.Warning);
        output.WriteLine($"Validated {_resources} resources in {files} Bundles from {inbox} in {elapsed.TotalSeconds:0.0} s: {errors} errors, {warnings} warnings"
            + (golden is null ? "; no golden files compared." : $"; compared with {golden}."));
        output.WriteLine(errors == 0 ? "OK" : "FAILED");
    }

    /// <summary>The report as FHIR: a collection Bundle of one OperationOutcome per file and resource.</summary>
    public Bundle ToBundle() => new()
    {
        Type = Bundle.BundleType.Collection,
        Entry = [.. _findings.GroupBy(f => (f.File, f.Resource)).Select(g => new Bundle.EntryComponent
        {
            Resource = new OperationOutcome
            {
                Extension = [new Extension("https://fhir.kwc.example/StructureDefinition/validated-source", new FhirString($"{g.Key.File} {g.Key.Resource}"))],
                Issue = [.. g.Select(f => new OperationOutcome.IssueComponent
                {
                    Severity = f.Severity,
                    Code = OperationOutcome.IssueType.Invalid,
                    Diagnostics = f.Message,
                    Expression = f.Location.Length > 0 ? [f.Location] : [],
                })],
            },
        })],
    };

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
