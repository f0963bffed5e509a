using System.Collections.Concurrent;
using Firely.Fhir.Validation;

namespace FhirAdapter.Validation;

/// <summary>
/// One cache of compiled schemas for all pooled validators: compiling is the expensive part of a cold start, so it is
/// done once per process. Compiled schemas are immutable and safe to share; compiling one touches the non-thread-safe
/// resolver chain, so misses compile under the resolver's lock.
/// </summary>
internal sealed class SharedSchemaResolver(IElementSchemaResolver compiler, ResolverGate gate) : IElementSchemaResolver
{
    private readonly ConcurrentDictionary<Canonical, ElementSchema?> _compiled = new();

    public ElementSchema? GetSchema(Canonical schemaUri)
    {
        if (_compiled.TryGetValue(schemaUri, out var schema))
            return schema;

        return gate.Run(() =>
        {
            if (_compiled.TryGetValue(schemaUri, out var compiled))
                return compiled;
            compiled = compiler.GetSchema(schemaUri);
            _compiled[schemaUri] = compiled;
            return compiled;
        });
    }
}
