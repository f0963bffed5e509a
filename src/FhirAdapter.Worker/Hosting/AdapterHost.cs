using FhirAdapter.Api.Options;
using FhirAdapter.Worker.Commands;
using FhirAdapter.Worker.Diagnostics;
using FhirAdapter.Worker.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Serilog;
using Serilog.Events;
using Serilog.Filters;
using Serilog.Formatting.Compact;

namespace FhirAdapter.Worker.Hosting;

/// <summary>
/// Builds the two kinds of host: the long-running service (scheduler, health, metrics, the FHIR API's
/// web server) and the short-lived one a command uses (the same pipeline, logs on stderr).
/// </summary>
internal static class AdapterHost
{
    /// <summary>The service: syncs on its schedule and serves /health, the FHIR API and the console (under /).</summary>
    /// <param name="configureServices">Last changes to the services (tests: a clock of their own).</param>
    public static WebApplication BuildService(string[] configurationArgs, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = configurationArgs, ContentRootPath = Directory.GetCurrentDirectory() });
        // What must be known before the host is built, read through the options classes that the host binds too.
        var url = AdapterConfiguration.Bind<FhirApiOptions>(builder.Configuration, FhirApiOptions.SectionName).Url;
        var telemetry = AdapterConfiguration.Bind<TelemetryOptions>(builder.Configuration, TelemetryOptions.SectionName);
        builder.WebHost.UseUrls(url.EndsWith("/fhir", StringComparison.Ordinal) ? url[..^"/fhir".Length] : url);
        ConfigureLogging(builder.Services, builder.Configuration, toStandardError: false);
        builder.Services.AddAdapterPipeline(builder.Configuration);
        builder.Services.AddHostedService<RevalidationAtStart>();
        builder.Services.AddHostedService<SyncScheduler>();
        builder.Services.AddFhirApi(builder.Configuration);
        builder.Services.AddOperationsConsole(builder.Configuration);
        builder.Services.AddConsoleSettings<WorkerOptions>(WorkerOptions.SectionName);
        builder.Services.AddConsoleSettings<FhirApiOptions>(FhirApiOptions.SectionName);
        builder.Services.AddSingleton(sp => SyncSettingsOf(sp.GetRequiredService<IOptions<WorkerOptions>>().Value));
        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        configureServices?.Invoke(builder.Services);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(AdapterMetrics.MeterName);
            if (telemetry.Console)
            {
                metrics.AddConsoleExporter();
            }
        });

        var app = builder.Build();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapFhirApi();
        app.MapOperationsConsole();
        return app;
    }

    private static FhirAdapter.Operations.SyncSettings SyncSettingsOf(WorkerOptions worker) => new(worker.Schedule, worker.HeldWarningAfter);

    /// <summary>A host for one command: the pipeline without the scheduler (plus what the command adds); logs go to stderr so stdout stays the command's.</summary>
    public static IHost BuildForCommand(string[] configurationArgs, Action<IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration>? addServices = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = configurationArgs, ContentRootPath = Directory.GetCurrentDirectory() });
        ConfigureLogging(builder.Services, builder.Configuration, toStandardError: true);
        builder.Services.AddAdapterPipeline(builder.Configuration);
        addServices?.Invoke(builder.Services, builder.Configuration);
        return builder.Build();
    }

    /// <summary>
    /// Serilog: console text by default, compact JSON with Adapter:Logging:Json=true. Framework and HTTP
    /// client chatter is kept at warning: request logs would carry URLs, and a search URL can carry an MRN.
    /// </summary>
    private static void ConfigureLogging(IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration, bool toStandardError)
    {
        var logging = AdapterConfiguration.Bind<LoggingOptions>(configuration, LoggingOptions.SectionName);
        var json = logging.Json;
        var level = logging.Level ?? (toStandardError ? LogEventLevel.Warning : LogEventLevel.Information);
        services.AddSerilog(logger =>
        {
            logger.MinimumLevel.Is(level)
                .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
                .MinimumLevel.Override("Polly", LogEventLevel.Warning)
                .Enrich.FromLogContext()
                // A bad configuration is reported by the command or the service itself, one line a key (ConfigurationErrors):
                // the host's "failed to start" with the stack trace would only bury it.
                .Filter.ByExcluding(e => Matching.FromSource("Microsoft.Extensions.Hosting")(e) && ConfigurationErrors.FailuresOf(e.Exception) is not null);
            var errorFrom = toStandardError ? LogEventLevel.Verbose : (LogEventLevel?)null;
            if (json)
            {
                logger.WriteTo.Console(new RenderedCompactJsonFormatter(), standardErrorFromLevel: errorFrom);
            }
            else
            {
                logger.WriteTo.Console(standardErrorFromLevel: errorFrom, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }
        });
    }
}
