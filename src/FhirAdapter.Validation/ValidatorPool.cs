using System.Collections.Concurrent;

namespace FhirAdapter.Validation;

/// <summary>
/// A <see cref="SchemaRun"/> is not thread-safe (neither is Firely's Validator), so each call rents one for its own
/// use. They are cheap to create (they share compiled schemas and the terminology cache), so the pool only grows to
/// the peak number of concurrent callers.
/// </summary>
internal sealed class ValidatorPool(Func<SchemaRun> factory)
{
    private readonly ConcurrentBag<SchemaRun> _idle = [];

    public SchemaRun Rent() => _idle.TryTake(out var run) ? run : factory();

    public void Return(SchemaRun run) => _idle.Add(run);
}
