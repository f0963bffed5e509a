using System.Collections;
using Hl7.Fhir.Model;

namespace FhirAdapter.Validation;

/// <summary>
/// Checks every Coding that claims one of the package's own code systems, wherever it sits. The validator only asks
/// the terminology service about required bindings; the clinic's local codes also appear in elements no profile binds
/// (Flag, RiskAssessment, side effect Observations, ...), and a typo there would otherwise pass silently.
/// </summary>
internal sealed class PackageCodeChecker(ProfilePackage package)
{
    private readonly string _codeSystemBase = package.Canonical.TrimEnd('/') + "/CodeSystem/";

    public void Check(Resource resource, List<OperationOutcome.IssueComponent> issues)
    {
        var path = new List<string> { resource.TypeName };
        Walk(resource, path, issues);
    }

    private void Walk(Base node, List<string> path, List<OperationOutcome.IssueComponent> issues)
    {
        if (node is Coding coding)
        {
            CheckCoding(coding, path, issues);
            return;
        }

        foreach (var (name, value) in node.EnumerateElements())
        {
            switch (value)
            {
                case PrimitiveType:
                    break;
                case Base child:
                    path.Add(name);
                    Walk(child, path, issues);
                    path.RemoveAt(path.Count - 1);
                    break;
                case IList list:
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (list[i] is Base item and not PrimitiveType)
                        {
                            path.Add($"{name}[{i}]");
                            Walk(item, path, issues);
                            path.RemoveAt(path.Count - 1);
                        }
                    }
                    break;
            }
        }
    }

    private void CheckCoding(Coding coding, List<string> path, List<OperationOutcome.IssueComponent> issues)
    {
        if (Problem(coding) is { } problem)
            issues.Add(Issue(path, problem));
    }

    /// <summary>What is wrong with a Coding that claims one of the package's code systems, or null (also for any other system).</summary>
    public string? Problem(Coding coding)
    {
        var system = coding.System;
        if (system is null || !system.StartsWith(_codeSystemBase, StringComparison.Ordinal))
            return null;
        if (!package.CodeSystemCodes.TryGetValue(system, out var codes))
            return $"The code system '{system}' is not in the profiles package.";
        return coding.Code is null || !codes.Contains(coding.Code) ? $"The code '{coding.Code}' is not defined in the code system '{system}'." : null;
    }

    private static OperationOutcome.IssueComponent Issue(List<string> path, string message) => new()
    {
        Severity = OperationOutcome.IssueSeverity.Error,
        Code = OperationOutcome.IssueType.CodeInvalid,
        Details = new CodeableConcept { Text = message },
        Expression = [string.Join('.', path)],
    };
}
