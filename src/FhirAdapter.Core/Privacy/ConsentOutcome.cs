namespace FhirAdapter.Core.Privacy;

/// <summary>The consent decision's verdict. Deny is the default value on purpose.</summary>
public enum ConsentOutcome
{
    Deny,
    Permit,
}
