namespace FhirAdapter.Generation;

/// <summary>One file the generator wrote, and how many records it holds (valid or not).</summary>
public sealed record GeneratedFile(string Name, int Records);
