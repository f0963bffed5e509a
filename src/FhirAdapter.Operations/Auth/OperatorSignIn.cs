using System.Security.Claims;
using FhirAdapter.Store;
using FhirAdapter.Store.Operations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Operations.Auth;

/// <summary>Checks a name and password against the store, with lockout after repeated failures.</summary>
public sealed class OperatorSignIn(IOperatorStore operators, IOptions<ConsoleOptions> options, TimeProvider time, ILogger<OperatorSignIn> logger)
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>The principal to sign in, or null with the message to show.</summary>
    public async Task<(ClaimsPrincipal? Principal, string? Problem)> CheckAsync(string name, string password, CancellationToken cancellationToken)
    {
        var account = await operators.FindOperatorAsync(name, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (account?.LockedUntil is { } until && until > now)
        {
            Log.SignInLockedOut(logger);
            return (null, $"Too many failed sign-ins: this operator is locked out until {until.ToUniversalTime():HH:mm} UTC.");
        }

        if (!OperatorPasswords.Verify(account, password))
        {
            if (account is not null)
            {
                var settings = options.Value;
                await operators.RecordSignInFailedAsync(account.Name, settings.MaxFailedSignIns, now + settings.LockoutDuration, cancellationToken).ConfigureAwait(false);
            }

            Log.SignInFailed(logger);
            return (null, "The name or the password is wrong.");
        }

        await operators.RecordSignInSucceededAsync(account!.Name, cancellationToken).ConfigureAwait(false);
        Log.SignedIn(logger, account.Name, ConsoleRoles.Name(account.Role));
        return (Principal(account), null);
    }

    public static ClaimsPrincipal Principal(OperatorAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, account.Name), new Claim(ClaimTypes.Role, ConsoleRoles.Name(account.Role))], Scheme);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>Each request: the operator must still exist with the same role (removed by <c>operators remove</c>: signed out).</summary>
    internal static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var name = context.Principal?.Identity?.Name;
        var operators = context.HttpContext.RequestServices.GetService(typeof(IOperatorStore)) as IOperatorStore;
        var account = name is null || operators is null ? null : await operators.FindOperatorAsync(name, context.HttpContext.RequestAborted).ConfigureAwait(false);
        if (account is null || !context.Principal!.IsInRole(ConsoleRoles.Name(account.Role)))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme).ConfigureAwait(false);
        }
    }
}
