namespace FhirAdapter.Store.Operations;

/// <summary>What a console user may see.</summary>
public enum OperatorRole
{
    /// <summary>Operational pages: record ids, patient keys and counts, never patient data.</summary>
    Operator,

    /// <summary>Also the patient pages, the accounting of disclosures and raw quarantined records.</summary>
    Privacy,
}
