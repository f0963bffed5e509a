namespace FhirAdapter.Validation;

/// <summary>What the fast path did since the validator was built.</summary>
/// <param name="Accepted">Resources the fast path accepted (valid, no message).</param>
/// <param name="SentToFirely">Resources it did not accept, which Firely validated.</param>
/// <param name="DoubleChecked">Accepted resources that Firely validated as well (the sampled double check).</param>
/// <param name="Disagreements">Double-checked resources in which Firely found something: they got Firely's outcome.</param>
public sealed record FastPathCounts(long Accepted, long SentToFirely, long DoubleChecked, long Disagreements);
