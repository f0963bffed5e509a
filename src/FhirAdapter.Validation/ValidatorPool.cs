using System.Collections.Concurrent;
using Firely.Fhir.Validation;

namespace FhirAdapter.Validation;

/// <summary>
/// Firely's <see cref="Validator"/> is not thread-safe, so each call rents one for its own use. Validators are cheap
/// to create here (they share compiled schemas and the terminology cache), so the pool only grows to the peak number
/// of concurrent callers.
/// </summary>
internal sealed class ValidatorPool(Func<Validator> factory)
{
    private readonly ConcurrentBag<Validator> _idle = [];

    public Validator Rent() => _idle.TryTake(out var validator) ? validator : factory();

    public void Return(Validator validator) => _idle.Add(validator);
}
