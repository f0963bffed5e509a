namespace FhirAdapter.Store.Patients;

/// <summary>
/// The result of mapping one patient (or <see cref="StoreKeys.Questionnaires"/>), stored as one atomic unit: the
/// resources, the held records, and delivery work for each destination the patient's data may go to.
/// </summary>
/// <param name="Generation">The generation the mapping was made from (from the claim or the dirty list): a newer change keeps the patient dirty.</param>
/// <param name="Resources">Every resource of the Bundle, in Bundle order; one missing since the last mapping is marked removed.</param>
/// <param name="Held">Every record of the patient the mapping held back (replaces the previous list).</param>
/// <param name="Destinations">The destinations allowed to receive the patient's data: queued there when the mapping
/// changed anything (or the patient was not permitted there before); pending work at any other is cancelled.</param>
public sealed record PatientMapping(
    string PatientKey,
    long Generation,
    IReadOnlyList<MappedResource> Resources,
    IReadOnlyList<HeldEntry> Held,
    IReadOnlyCollection<string> Destinations)
{
    /// <summary>When set, the unit is only stored if this worker still holds the patient's lease (else <see cref="LeaseLostException"/>).</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>Destinations the patient's consent does not permit, with why: counted as not permitted there.</summary>
    public IReadOnlyDictionary<string, string> NotPermitted { get; init; } = new Dictionary<string, string>();
}
