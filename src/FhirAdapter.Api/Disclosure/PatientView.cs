using System.Security.Cryptography;
using System.Text;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Store.Api;
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
    private readonly Dictionary<string, ServedVersion> _versions = new(StringComparer.Ordinal);

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

    /// <summary>
    /// The resource as the API shows it (id, resolvable references, meta.versionId and meta.lastUpdated of its served
    /// version), unlabelled and unfiltered; parsed once per request.
    /// </summary>
    public Resource Served(StoredResource stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var key = $"{stored.ResourceType}/{stored.LogicalId}";
        if (!_served.TryGetValue(key, out var resource))
        {
            resource = ResourceMaterializer.Materialize(stored, _typeByLogicalId);
            _served[key] = resource;
            Stamp(resource, key);
        }

        return resource;
    }

    /// <summary>
    /// What the store's served versions (<see cref="Store.IApiStateStore.TrackServedVersionsAsync"/>) are asked about:
    /// each resource's content, whether it passed validation (one that becomes valid later, its content unchanged, is
    /// new to every client) and the labels every resource of this patient carries, hashed.
    /// </summary>
    public IReadOnlyList<ServedState> ServedStates() => [.. Stored.DistinctBy(s => (s.ResourceType, s.LogicalId)).Select(s => new ServedState(
        s.ResourceType, s.LogicalId, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{s.ContentHash}|{s.Validation.IsValid}|{Sensitivity}")))[..32], s.MappedAt))];

    /// <summary>Sets each resource's meta.versionId (the counter) and meta.lastUpdated (when what is served last changed).</summary>
    public void ApplyVersions(IReadOnlyList<ServedVersion> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        foreach (var version in versions)
        {
            _versions[$"{version.ResourceType}/{version.LogicalId}"] = version;
        }

        foreach (var (key, resource) in _served)
        {
            Stamp(resource, key);
        }
    }

    /// <summary>Whether what a client is served of the resource changed after <paramref name="since"/> (content or labels).</summary>
    public bool ChangedAfter(StoredResource stored, DateTimeOffset since)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return (_versions.TryGetValue($"{stored.ResourceType}/{stored.LogicalId}", out var version) ? version.ChangedAt : stored.MappedAt) > since;
    }

    private void Stamp(Resource resource, string key)
    {
        if (_versions.TryGetValue(key, out var version))
        {
            resource.Meta ??= new Meta();
            resource.Meta.VersionId = version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            resource.Meta.LastUpdated = version.ChangedAt;
        }
    }
}
