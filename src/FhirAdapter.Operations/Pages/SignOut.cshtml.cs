using FhirAdapter.Operations.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FhirAdapter.Operations.Pages;

/// <summary>Sign-out: a POST (with its anti-forgery token), so that no link or image can sign anyone out.</summary>
public sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(OperatorSignIn.Scheme).ConfigureAwait(false);
        return RedirectToPage("/SignIn");
    }
}
