using FhirAdapter.Core.Privacy;
using FhirAdapter.Store.Patients;
using Hl7.Fhir.Model;

namespace FhirAdapter.Api.Disclosure;

/// <summary>
/// One patient as one request may disclose it: the consent decision for the client's organization (always a
/// Permit: a denied patient gets no view), the sensitivity of the whole record, and its resources ready to serve.
/// Holds patient data: lives for one request only.
/// </summary>
internal sealed class PatientView
{
    private readonly Dictionary<string, Resource> _served = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, string> _typeByLogicalId;

    public PatientView(string patientKey, string mrn, ConsentDecision decision, IReadOnlyList<StoredResource> resources)
    {
        PatientKey = patientKey;
        Mrn = mrn;
        Decision = decision;
        Stored = resources;
        _typeByLogicalId = ResourceMaterializer.TypesByLogicalId(resources);
        // The label describes the whole record: judged on everything mapped, not on what this answer carries.
        Sensitivity = SensitivityClassifier.Classify(resources.Select(Served));
    }

    public string PatientKey { get; }

    /// <summary>Patient data: for the accounting of disclosures only.</summary>
    public string Mrn { get; }

    public ConsentDecision Decision { get; }

    public PatientSensitivity Sensitivity { get; }

    /// <summary>Every current resource of the patient's last mapping (valid or not).</summary>
    public IReadOnlyList<StoredResource> Stored { get; }

    /// <summary>The resource as the API shows it (id, lastUpdated, resolvable references), unlabelled and unfiltered; parsed once per request.</summary>
    public Resource Served(StoredResource stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var key = $"{stored.ResourceType}/{stored.LogicalId}";
        if (!_served.TryGetValue(key, out var resource))
        {
            resource = ResourceMaterializer.Materialize(stored, _typeByLogicalId);
            _served[key] = resource;
        }

        return resource;
    }
}
