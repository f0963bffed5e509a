using FhirAdapter.Operations;
using FhirAdapter.Operations.Auth;
using FhirAdapter.Operations.Sync;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the console under <c>/</c> beside the FHIR API (<c>/fhir</c>, <c>/auth</c>, <c>/health</c>).</summary>
public static class ConsoleEndpoints
{
    /// <summary>Adds authentication and authorization to the pipeline and maps the pages and their assets.</summary>
    public static WebApplication MapOperationsConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Services.GetRequiredService<IOptions<ConsoleOptions>>().Value.Enabled)
        {
            return app;
        }

        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/assets/{name}", (string name) => ConsoleAssets.Serve(name)).AllowAnonymous();
        app.MapGet("/now/progress", (ISyncControl sync) => Results.Json(ProgressJson.From(sync.Current)))
            .RequireAuthorization(ConsoleRoles.ConsolePolicy);
        app.MapRazorPages();
        return app;
    }
}
