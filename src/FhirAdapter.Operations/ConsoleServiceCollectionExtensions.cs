using FhirAdapter.Core.Configuration;
using FhirAdapter.Operations;
using FhirAdapter.Operations.About;
using FhirAdapter.Operations.Auth;
using FhirAdapter.Operations.Destinations;
using FhirAdapter.Operations.Patients;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the web console: Razor Pages, cookie sign-in, the two roles, the store facets it reads.</summary>
public static class ConsoleServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Adapter:Console</c> (validated on start). Needs the adapter's store and pipeline services, and an
    /// <see cref="FhirAdapter.Operations.Sync.ISyncControl"/> and <see cref="FhirAdapter.Operations.Quarantine.IQuarantineRetry"/>
    /// from the host.
    /// </summary>
    public static IServiceCollection AddOperationsConsole(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptionsWithValidateOnStart<ConsoleOptions>()
            .BindWithKeys(configuration.GetSection(ConsoleOptions.SectionName))
            .ValidateWithKeys(ConsoleOptions.SectionName, new ConsoleOptionsValidator());
        services.TryAddSingleton(SyncSettings.Default); // the host that runs the worker registers its own
        services.AddAdapterStore(configuration); // the console's tables are store facets too (IOperatorStore, ...)
        services.AddHttpContextAccessor();
        services.TryAddSingleton<SetupMode>();
        services.TryAddSingleton<OperatorSignIn>();
        services.TryAddSingleton<CircuitWatch>();
        services.TryAddSingleton<PatientLookup>();
        services.TryAddSingleton(sp => new ConfigurationView(configuration, sp.GetServices<SettingsSection>(), sp));
        services.AddConsoleSettings<FhirAdapter.Store.StoreOptions>(FhirAdapter.Store.StoreOptions.SectionName);
        services.AddConsoleSettings<FhirAdapter.Core.Mapping.MappingOptions>(FhirAdapter.Core.Mapping.MappingOptions.SectionName);
        services.AddConsoleSettings<FhirAdapter.Validation.FhirValidationOptions>(FhirAdapter.Validation.FhirValidationOptions.SectionName);
        services.AddConsoleSettings<FhirAdapter.Exchange.Options.ExchangeOptions>(FhirAdapter.Exchange.Options.ExchangeOptions.Path);
        services.AddConsoleSettings<ConsoleOptions>(ConsoleOptions.SectionName);
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, ConsoleAccessHandler>();

        services.AddAuthentication(OperatorSignIn.Scheme).AddCookie(OperatorSignIn.Scheme, cookie =>
        {
            cookie.Cookie.Name = "fhiradapter.console";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // Secure whenever served over HTTPS
            cookie.LoginPath = "/signin";
            cookie.LogoutPath = "/signout";
            cookie.AccessDeniedPath = "/forbidden";
            cookie.SlidingExpiration = true;
            cookie.Events.OnValidatePrincipal = OperatorSignIn.ValidateAsync;
            // A forbidden page answers 403 itself rather than redirecting, so that a script or a browser sees the status.
            cookie.Events.OnRedirectToAccessDenied = ForbiddenPage.WriteAsync;
        });
        services.AddOptions<CookieAuthenticationOptions>(OperatorSignIn.Scheme).Configure<Microsoft.Extensions.Options.IOptions<ConsoleOptions>>(
            (cookie, console) => cookie.ExpireTimeSpan = console.Value.SessionLifetime);
        services.AddAuthorizationBuilder()
            .AddPolicy(ConsoleRoles.ConsolePolicy, policy => policy.AddRequirements(new ConsoleAccessRequirement()))
            .AddPolicy(ConsoleRoles.PrivacyPolicy, policy => policy.RequireRole(ConsoleRoles.Privacy));
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "fhiradapter.antiforgery";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        services.AddRazorPages(pages =>
        {
            pages.Conventions.AuthorizeFolder("/", ConsoleRoles.ConsolePolicy);
            pages.Conventions.AllowAnonymousToPage("/SignIn");
            pages.Conventions.AuthorizeFolder("/Patients", ConsoleRoles.PrivacyPolicy);
            pages.Conventions.AuthorizePage("/Quarantine/Record", ConsoleRoles.PrivacyPolicy);
        }).AddApplicationPart(typeof(ConsoleOptions).Assembly);
        return services;
    }

    /// <summary>Shows the options <typeparamref name="T"/> in force on the About page, under <paramref name="path"/>.</summary>
    public static IServiceCollection AddConsoleSettings<T>(this IServiceCollection services, string path) where T : class =>
        services.AddSingleton(new SettingsSection(path, sp => sp.GetService<Microsoft.Extensions.Options.IOptions<T>>()?.Value));
}
