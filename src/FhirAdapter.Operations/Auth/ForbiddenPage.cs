using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;

namespace FhirAdapter.Operations.Auth;

/// <summary>The answer to a page the signed-in operator's role does not allow: 403, and a page that says why.</summary>
internal static class ForbiddenPage
{
    public static async Task WriteAsync(RedirectContext<CookieAuthenticationOptions> context)
    {
        var who = HtmlEncoder.Default.Encode(context.HttpContext.User.Identity?.Name ?? "you");
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Not allowed · FhirAdapter</title><link rel="stylesheet" href="/assets/console.css"></head>
            <body><main class="narrow"><h1>Not allowed</h1>
            <p>This page shows patient data: it is for operators with the <strong>privacy</strong> role. {{who}} has the operator role.</p>
            <p>Every view of patient data is recorded; ask your privacy officer if you need this one.</p>
            <p><a href="/">Back to the console</a></p></main></body></html>
            """, context.HttpContext.RequestAborted).ConfigureAwait(false);
    }
}
