namespace FhirAdapter.Store.Disclosures;

/// <summary>
/// Which entries of the accounting of disclosures to list. Always those of one receiving organization: the pull API
/// shows a client only what its own organization received, never who else received a patient's data.
/// </summary>
public sealed record DisclosureSearch
{
    /// <summary>The receiving organization (required).</summary>
    public required string OrganizationId { get; init; }

    /// <summary>Only this patient's disclosures; all the organization's when null.</summary>
    public string? PatientKey { get; init; }

    /// <summary>Only the disclosure with this id.</summary>
    public string? Id { get; init; }

    /// <summary>Disclosed at or after this instant.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Disclosed before this instant (exclusive).</summary>
    public DateTimeOffset? Before { get; init; }

    /// <summary>Keyset paging: only entries after the one with this id (the last of the previous page) in the list's order.</summary>
    public string? After { get; init; }

    /// <summary>At most this many entries.</summary>
    public int Limit { get; init; } = 100;
}
