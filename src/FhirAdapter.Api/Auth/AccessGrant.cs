namespace FhirAdapter.Api.Auth;

/// <summary>What an access token stands for: a client, its organization and purpose, the scopes granted, until when.</summary>
internal sealed record AccessGrant(RegisteredClient Client, IReadOnlyList<SmartScope> Scopes, DateTimeOffset ExpiresAt)
{
    public bool Allows(string resourceType, SmartPermission permission) => Scopes.Any(s => s.Allows(resourceType, permission));
}
