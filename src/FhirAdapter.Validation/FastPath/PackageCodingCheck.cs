using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.FastPath;

/// <summary>
/// The package code check (<see cref="PackageCodeChecker"/>) folded into the plan: added to the Coding datatype's
/// schema, so that every Coding the plan accepts (wherever it sits) claims no package code system, or claims one
/// with a code it defines. A resource the plan accepts then needs no separate walk for its local codes; one it
/// refuses goes to Firely and then through the full check, which names the code.
/// </summary>
internal sealed class PackageCodingCheck(PackageCodeChecker checker) : PlanCheck
{
    public override bool One(object node, FastRun run) =>
        (node is Coding coding && checker.Problem(coding) is null) || run.Refuse(this);
}
