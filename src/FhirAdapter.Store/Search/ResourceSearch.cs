namespace FhirAdapter.Store.Search;

/// <summary>
/// Criteria of <see cref="IResourceQuery.SearchAsync"/>; every criterion left null matches anything, the ones set
/// must all hold. Values are compared exactly (ordinal).
/// </summary>
public sealed record ResourceSearch
{
    /// <summary>The resource type, e.g. <c>Observation</c>; null for any.</summary>
    public string? ResourceType { get; init; }

    /// <summary>The opaque patient key whose mapping holds the resource (<see cref="StoreKeys.Questionnaires"/> for forms).</summary>
    public string? PatientKey { get; init; }

    public string? LogicalId { get; init; }

    /// <summary>The stored business identifier, <c>system|value</c>.</summary>
    public string? Identifier { get; init; }

    /// <summary>The value part of the stored identifier, whatever its system (FHIR token search without a system).</summary>
    public string? IdentifierValue { get; init; }

    /// <summary>The resource's own <c>url</c> element (a canonical resource such as a Questionnaire).</summary>
    public string? CanonicalUrl { get; init; }

    /// <summary>The resource's own <c>version</c> element; only with <see cref="CanonicalUrl"/>.</summary>
    public string? CanonicalVersion { get; init; }

    /// <summary>Last updated (when the stored JSON last changed) at or after this instant.</summary>
    public DateTimeOffset? UpdatedFrom { get; init; }

    /// <summary>Last updated strictly before this instant.</summary>
    public DateTimeOffset? UpdatedBefore { get; init; }

    /// <summary>Exclusive position to continue after (0: from the start).</summary>
    public long After { get; init; }

    /// <summary>At most this many results (1 – 10 000).</summary>
    public int Limit { get; init; } = 100;

    /// <summary>Also return resources that failed validation (the API never does: it serves only what validated).</summary>
    public bool IncludeInvalid { get; init; }
}
