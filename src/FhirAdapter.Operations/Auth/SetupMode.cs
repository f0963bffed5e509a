using System.Net;
using FhirAdapter.Store;
using Microsoft.AspNetCore.Http;

namespace FhirAdapter.Operations.Auth;

/// <summary>
/// The console before anyone has run <c>operators add</c>: open without sign-in, but only to a browser on this machine,
/// and only the operational pages (no patient data). A request that came through a proxy (it carries forwarding
/// headers) is never taken for a local one, even when the proxy itself runs on this machine.
/// </summary>
public sealed class SetupMode(IOperatorStore operators)
{
    public const string AddOperatorCommand = "dotnet run --project src/FhirAdapter.Worker -- operators add NAME --role privacy";

    public async Task<bool> NoOperatorsAsync(CancellationToken cancellationToken) =>
        await operators.CountOperatorsAsync(cancellationToken).ConfigureAwait(false) == 0;

    /// <summary>True when this request may see the operational pages without signing in.</summary>
    public async Task<bool> AppliesToAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items.TryGetValue(typeof(SetupMode), out var known) && known is bool cached)
        {
            return cached;
        }

        var applies = IsLocal(context) && await NoOperatorsAsync(context.RequestAborted).ConfigureAwait(false);
        context.Items[typeof(SetupMode)] = applies;
        return applies;
    }

    public static bool IsLocal(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Request.Headers;
        if (headers.ContainsKey("X-Forwarded-For") || headers.ContainsKey("Forwarded") || headers.ContainsKey("X-Real-IP"))
        {
            return false;
        }

        return context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address);
    }
}
