using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace FhirAdapter.Operations.Auth;

/// <summary>Signed in with a console role, or on this machine while no operator exists (<see cref="SetupMode"/>).</summary>
public sealed class ConsoleAccessRequirement : IAuthorizationRequirement;

internal sealed class ConsoleAccessHandler(SetupMode setup, IHttpContextAccessor http) : AuthorizationHandler<ConsoleAccessRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, ConsoleAccessRequirement requirement)
    {
        if (context.User.IsInRole(ConsoleRoles.Operator) || context.User.IsInRole(ConsoleRoles.Privacy))
        {
            context.Succeed(requirement);
            return;
        }

        var request = context.Resource as HttpContext ?? http.HttpContext;
        if (request is not null && await setup.AppliesToAsync(request).ConfigureAwait(false))
        {
            context.Succeed(requirement);
        }
    }
}
