using FhirAdapter.Store.Patients;

namespace FhirAdapter.Store.Search;

/// <summary>A resource found by <see cref="IResourceQuery"/>, with its position: unique, increasing, stable while the resource stays mapped.</summary>
public sealed record ResourceMatch(long Position, StoredResource Resource);
