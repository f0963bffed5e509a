using FhirAdapter.Operations.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FhirAdapter.Operations.Pages;

/// <summary>Sign-in (the only page open to anyone); with no operator yet, it says how to add one.</summary>
public sealed class SignInModel(OperatorSignIn signIn, SetupMode setup) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Name { get; private set; }

    public string? Problem { get; private set; }

    public bool NoOperators { get; private set; }

    public bool Local => SetupMode.IsLocal(HttpContext);

    public async Task OnGetAsync(CancellationToken cancellationToken) => NoOperators = await setup.NoOperatorsAsync(cancellationToken).ConfigureAwait(false);

    public async Task<IActionResult> OnPostAsync(string? name, string? password, CancellationToken cancellationToken)
    {
        Name = name;
        var (principal, problem) = string.IsNullOrEmpty(name) || string.IsNullOrEmpty(password)
            ? (null, "Give a name and a password.")
            : await signIn.CheckAsync(name, password, cancellationToken).ConfigureAwait(false);
        if (principal is null)
        {
            Problem = problem;
            NoOperators = await setup.NoOperatorsAsync(cancellationToken).ConfigureAwait(false);
            return Page();
        }

        await HttpContext.SignInAsync(OperatorSignIn.Scheme, principal).ConfigureAwait(false);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
