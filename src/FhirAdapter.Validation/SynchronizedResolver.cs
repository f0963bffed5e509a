using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;

namespace FhirAdapter.Validation;

/// <summary>
/// Serializes access to a resolver chain (see <see cref="ResolverGate"/>). Firely's resolvers, caches and snapshot generator are not thread-safe,
/// while the compiled schemas and expansions built from them are shared by every pooled validator; after warm-up
/// this lock is rarely taken, because almost everything is served from those caches.
/// </summary>
internal sealed class SynchronizedResolver(IResourceResolver inner) : IResourceResolver, IAsyncResourceResolver
{
    public ResolverGate Gate { get; } = new();

    public Resource? ResolveByUri(string uri) => TryResolveByUri(uri).Value;

    public Resource? ResolveByCanonicalUri(string uri) => TryResolveByCanonicalUri(uri).Value;

    public ResolverResult TryResolveByUri(string uri) => Gate.Run(() => inner.TryResolveByUri(uri));

    public ResolverResult TryResolveByCanonicalUri(string uri) => Gate.Run(() => inner.TryResolveByCanonicalUri(uri));

    public System.Threading.Tasks.Task<Resource?> ResolveByUriAsync(string uri) => System.Threading.Tasks.Task.FromResult(ResolveByUri(uri));

    public System.Threading.Tasks.Task<Resource?> ResolveByCanonicalUriAsync(string uri) => System.Threading.Tasks.Task.FromResult(ResolveByCanonicalUri(uri));

    public System.Threading.Tasks.Task<ResolverResult> TryResolveByUriAsync(string uri) => System.Threading.Tasks.Task.FromResult(TryResolveByUri(uri));

    public System.Threading.Tasks.Task<ResolverResult> TryResolveByCanonicalUriAsync(string uri) => System.Threading.Tasks.Task.FromResult(TryResolveByCanonicalUri(uri));
}
