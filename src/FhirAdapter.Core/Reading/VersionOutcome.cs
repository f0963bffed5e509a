namespace FhirAdapter.Core.Reading;

/// <summary>What an incoming record version means against the version already known for its recordId.</summary>
public enum VersionOutcome
{
    /// <summary>First time this recordId is seen.</summary>
    New,

    /// <summary>A later <c>updatedAt</c>, or the same one and more restrictive: replaces the known version.</summary>
    Supersedes,

    /// <summary>The same <c>updatedAt</c> and the same content: nothing to do.</summary>
    Repeat,

    /// <summary>An earlier <c>updatedAt</c>, or the same one and less restrictive: ignored, and noted.</summary>
    Stale,

    /// <summary>The same <c>updatedAt</c> with different content, equally restrictive: the export contradicts itself; rejected.</summary>
    Conflict,
}
