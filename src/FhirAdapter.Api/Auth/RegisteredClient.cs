using FhirAdapter.Core.Privacy;
using Microsoft.IdentityModel.Tokens;

namespace FhirAdapter.Api.Auth;

/// <summary>A client as the API uses it: configuration parsed and checked once.</summary>
internal sealed record RegisteredClient(
    string ClientId,
    string OrganizationId,
    DisclosurePurpose Purpose,
    IReadOnlyList<SmartScope> Scopes,
    IReadOnlyList<SecurityKey>? InlineKeys,
    Uri? JwksUrl,
    int? PermitLimit);
