namespace FhirAdapter.Store.Search;

/// <summary>Finds the <see cref="IResourceQuery"/> of a store: every provider implements it on its store object.</summary>
public static class ResourceQueries
{
    /// <exception cref="NotSupportedException">The provider has no cross-patient search.</exception>
    public static IResourceQuery From(IAdapterStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store as IResourceQuery
            ?? throw new NotSupportedException($"The {store.Provider} store provider does not implement {nameof(IResourceQuery)}");
    }
}
