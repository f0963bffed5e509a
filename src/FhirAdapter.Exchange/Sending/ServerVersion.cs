namespace FhirAdapter.Exchange.Sending;

/// <summary>Where a resource lives on a destination: <c>ResourceType/Id</c>, at <c>VersionId</c> (null when the server gave none).</summary>
public sealed record ServerVersion(string ResourceType, string Id, string? VersionId);
