namespace FhirAdapter.Generation;

/// <summary>
/// What is deliberately wrong with a generated record: a short name, and whether the reader
/// rejects it (<see cref="ByMapping"/> false) or only the mapping does (an answer its form lacks).
/// </summary>
internal sealed record Defect(string Name, bool ByMapping = false);
