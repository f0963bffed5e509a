namespace FhirAdapter.Store.Search;

/// <summary>
/// Reads across patients over the resources of the last stored mappings: what the pull API searches and exports.
/// Only current resources (not removed by a later mapping) are seen. Results are ordered by
/// <see cref="ResourceMatch.Position"/>, so a caller pages by passing the last position back as
/// <see cref="ResourceSearch.After"/> (keyset paging: a page never repeats or skips a row that stays).
/// </summary>
public interface IResourceQuery
{
    /// <summary>Up to <see cref="ResourceSearch.Limit"/> resources matching every criterion set, after <see cref="ResourceSearch.After"/>.</summary>
    Task<IReadOnlyList<ResourceMatch>> SearchAsync(ResourceSearch search, CancellationToken cancellationToken);

    /// <summary>
    /// Keys of patients with at least one current valid resource, ordered (ordinal), after <paramref name="after"/>
    /// (null: from the start); never <see cref="StoreKeys.Questionnaires"/>. For bulk export, one page at a time.
    /// </summary>
    Task<IReadOnlyList<string>> GetPatientKeysAsync(string? after, int limit, CancellationToken cancellationToken);
}
