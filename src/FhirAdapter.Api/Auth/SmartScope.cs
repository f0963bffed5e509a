using System.Diagnostics.CodeAnalysis;

namespace FhirAdapter.Api.Auth;

/// <summary>
/// A SMART system scope: v2 <c>system/Patient.rs</c>, <c>system/*.rs</c> (permissions c, r, u, d, s in that order)
/// or v1 <c>system/*.read</c>, <c>system/Patient.*</c>. v1 <c>read</c> means v2 <c>rs</c>. The API is read-only, so
/// only <see cref="Read"/> and <see cref="Search"/> are ever granted. A wildcard type does not reach
/// <see cref="ExplicitOnlyTypes"/>: those must be named.
/// </summary>
internal sealed record SmartScope(string Text, string ResourceType, bool Create, bool Read, bool Update, bool Delete, bool Search)
{
    public const string AnyType = "*";

    /// <summary>
    /// Types that <c>system/*.rs</c> does not include. The accounting of disclosures (AuditEvent) is no clinical data
    /// but says which records went where: clinic IT grants reading it on purpose, by name (<c>system/AuditEvent.rs</c>).
    /// </summary>
    public static readonly IReadOnlySet<string> ExplicitOnlyTypes = new HashSet<string>(StringComparer.Ordinal) { "AuditEvent" };

    public bool IsReadOnly => !Create && !Update && !Delete;

    public static bool TryParse(string? text, [NotNullWhen(true)] out SmartScope? scope)
    {
        scope = null;
        if (string.IsNullOrEmpty(text) || !text.StartsWith("system/", StringComparison.Ordinal) || text.Contains('?', StringComparison.Ordinal))
        {
            return false;
        }

        var body = text["system/".Length..];
        var dot = body.LastIndexOf('.');
        if (dot <= 0 || dot == body.Length - 1)
        {
            return false;
        }

        var type = body[..dot];
        var permissions = body[(dot + 1)..];
        if (type != AnyType && !IsResourceTypeName(type))
        {
            return false;
        }

        switch (permissions)
        {
            case "read":
                scope = new SmartScope(text, type, false, true, false, false, true);
                return true;
            case "write":
                scope = new SmartScope(text, type, true, false, true, true, false);
                return true;
            case "*":
                scope = new SmartScope(text, type, true, true, true, true, true);
                return true;
        }

        // v2: a non-empty subsequence of "cruds", in that order.
        const string order = "cruds";
        var at = 0;
        foreach (var c in permissions)
        {
            var found = order.IndexOf(c, at);
            if (found < 0)
            {
                return false;
            }

            at = found + 1;
        }

        scope = new SmartScope(text, type, permissions.Contains('c'), permissions.Contains('r'), permissions.Contains('u'), permissions.Contains('d'), permissions.Contains('s'));
        return true;
    }

    /// <summary>
    /// The scopes granted for a request: each requested scope (v2 <c>.cruds</c> subsets, v1 <c>.read</c>, <c>.write</c>,
    /// <c>.*</c>) narrowed to read and search (the API is read-only) and to what a registered scope covers, in the form
    /// it was asked (v1 <c>.read</c> stays v1 when it is granted whole). Never refused for asking more than it gets: RFC
    /// 6749 §3.3 lets the server issue a narrower scope, and the token response's <c>scope</c> says which. A wildcard does
    /// not reach <see cref="ExplicitOnlyTypes"/>: AuditEvent is granted only when both the request and the registration name it.
    /// Unknown or malformed scopes are dropped.
    /// </summary>
    public static IReadOnlyList<SmartScope> Negotiate(IEnumerable<string> requested, IReadOnlyList<SmartScope> registered)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(registered);
        var granted = new List<SmartScope>();
        foreach (var text in requested)
        {
            if (!TryParse(text, out var asked))
            {
                continue;
            }

            var v1 = text.EndsWith(".read", StringComparison.Ordinal) || text.EndsWith(".*", StringComparison.Ordinal) || text.EndsWith(".write", StringComparison.Ordinal);
            foreach (var held in registered)
            {
                var type = asked.ResourceType == held.ResourceType ? asked.ResourceType
                    : asked.ResourceType == AnyType && !ExplicitOnlyTypes.Contains(held.ResourceType) ? held.ResourceType
                    : held.ResourceType == AnyType && !ExplicitOnlyTypes.Contains(asked.ResourceType) ? asked.ResourceType
                    : null;
                var read = asked.Read && held.Read;
                var search = asked.Search && held.Search;
                if (type is null || (!read && !search))
                {
                    continue;
                }

                var form = v1 && read && search ? $"system/{type}.read" : $"system/{type}.{(read ? "r" : "")}{(search ? "s" : "")}";
                if (granted.All(g => g.Text != form) && TryParse(form, out var scope))
                {
                    granted.Add(scope);
                }
            }
        }

        return granted;
    }

    /// <summary>Whether holding this scope allows everything <paramref name="requested"/> asks for.</summary>
    public bool Covers(SmartScope requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        return Names(requested.ResourceType)
            && (Read || !requested.Read) && (Search || !requested.Search)
            && (Create || !requested.Create) && (Update || !requested.Update) && (Delete || !requested.Delete);
    }

    public bool Allows(string resourceType, SmartPermission permission) =>
        Names(resourceType) && (permission == SmartPermission.Read ? Read : Search);

    /// <summary>Whether this scope is about <paramref name="resourceType"/> (which may itself be the wildcard).</summary>
    private bool Names(string resourceType) =>
        ResourceType == resourceType || (ResourceType == AnyType && !ExplicitOnlyTypes.Contains(resourceType));

    private static bool IsResourceTypeName(string name) => name.Length > 0 && char.IsAsciiLetterUpper(name[0]) && name.All(char.IsAsciiLetter);
}
