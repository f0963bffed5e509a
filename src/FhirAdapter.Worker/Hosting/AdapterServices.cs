using FhirAdapter.Core.Configuration;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Operations.Quarantine;
using FhirAdapter.Operations.Sync;
using FhirAdapter.Validation;
using FhirAdapter.Worker.Delivery;
using FhirAdapter.Worker.Diagnostics;
using FhirAdapter.Worker.Scheduling;
using FhirAdapter.Worker.Sync;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Worker.Hosting;

/// <summary>
/// The pipeline's services, registered once for the long-running service and for the commands alike:
/// read → map → validate → store → deliver. Every options class is validated when the host starts, with
/// messages that name the configuration key.
/// </summary>
internal static class AdapterServices
{
    public static IServiceCollection AddAdapterPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        // The root keys of Adapter (Inbox, Schedule, ...) are the worker's; every other section has its one options class.
        services.AddOptionsWithValidateOnStart<WorkerOptions>()
            .BindWithKeys(configuration.GetSection(WorkerOptions.SectionName))
            .ValidateWithKeys(WorkerOptions.SectionName, new WorkerOptionsValidator());
        services.AddMappingOptions(configuration);
        services.AddOptionsWithValidateOnStart<FhirValidationOptions>()
            .BindWithKeys(configuration.GetSection(FhirValidationOptions.SectionName))
            .ValidateWithKeys(FhirValidationOptions.SectionName, new FhirValidationOptionsValidator());
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();

        services.AddSingleton(sp => new RecordMapper(sp.GetRequiredService<IOptions<MappingOptions>>().Value));
        services.AddSingleton(sp => sp.GetRequiredService<RecordMapper>().Canonicals);
        services.AddSingleton(sp => new FhirResourceValidator(sp.GetRequiredService<IOptions<FhirValidationOptions>>()));
        services.AddSingleton<ResourceValidator>();
        services.AddSingleton(sp => new DisclosureFilter(sp.GetRequiredService<ClinicCanonicals>()));
        services.AddSingleton(sp => new DisclosureAccounting(sp.GetRequiredService<ClinicCanonicals>()));

        services.AddAdapterStore(configuration);
        services.AddFhirExchange(configuration);

        services.AddSingleton<WorkerIdentity>();
        services.AddSingleton<AdapterMetrics>();
        services.AddSingleton<FileCompleteness>();
        services.AddSingleton<InboxIngestor>();
        services.AddSingleton<PatientRemapper>();
        services.AddSingleton<SharedResourceWriter>();
        services.AddSingleton<Revalidation>();
        services.AddSingleton<DeliveryRunner>();
        services.AddSingleton<SyncRunner>();
        // Every sync of this instance goes through the coordinator: one at a time, its progress visible to the console.
        services.AddSingleton<SyncCoordinator>();
        services.AddSingleton<ISyncRunner>(sp => sp.GetRequiredService<SyncCoordinator>());
        services.AddSingleton<ISyncControl>(sp => sp.GetRequiredService<SyncCoordinator>());
        services.AddSingleton<IQuarantineRetry, QuarantineRetry>();
        return services;
    }
}
