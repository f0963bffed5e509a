using FhirAdapter.Store.Operations;

namespace FhirAdapter.Operations.Auth;

/// <summary>Role names in the sign-in cookie, and the authorization policies built on them.</summary>
public static class ConsoleRoles
{
    public const string Operator = "operator";

    public const string Privacy = "privacy";

    /// <summary>Any signed-in operator, or anyone on this machine while no operator exists (operational pages only).</summary>
    public const string ConsolePolicy = "console";

    /// <summary>The privacy role: patient pages, the accounting of disclosures, raw quarantined records.</summary>
    public const string PrivacyPolicy = "console-privacy";

    public static string Name(OperatorRole role) => role == OperatorRole.Privacy ? Privacy : Operator;
}
