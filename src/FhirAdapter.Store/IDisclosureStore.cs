using FhirAdapter.Store.Disclosures;

namespace FhirAdapter.Store;

/// <summary>The accounting of disclosures (42 CFR Part 2 §2.24 / HIPAA §164.528).</summary>
public interface IDisclosureStore
{
    /// <summary>Records a disclosure; the same id twice keeps the first. Push disclosures usually come with <see cref="Delivery.DeliveryReport"/>.</summary>
    Task RecordDisclosureAsync(Disclosure disclosure, CancellationToken cancellationToken);

    /// <summary>A patient's disclosures at or after <paramref name="since"/> (all when null), oldest first.</summary>
    Task<IReadOnlyList<Disclosure>> GetDisclosuresAsync(string patientKey, DateTimeOffset? since, CancellationToken cancellationToken);

    /// <summary>
    /// One organization's disclosures matching <paramref name="search"/>, oldest first (ties by id), at most
    /// <see cref="DisclosureSearch.Limit"/>; the next page starts after the last id returned.
    /// </summary>
    Task<IReadOnlyList<Disclosure>> SearchDisclosuresAsync(DisclosureSearch search, CancellationToken cancellationToken);
}
