using FhirAdapter.Store;
using FhirAdapter.Worker.Hosting;
using FhirAdapter.Worker.Scheduling;
using FhirAdapter.Worker.Sync;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Worker.Tests.Support;

/// <summary>
/// One worker instance inside the test process: the real pipeline (its own store instance, identity and clock),
/// built from command-line style configuration as the program builds it. Several of them on one store are
/// several instances sharing the work, without the cost of starting processes.
/// </summary>
internal sealed class InProcessWorker : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public InProcessWorker(IEnumerable<string> configurationArgs, TimeProvider time, Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine([.. configurationArgs]).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAdapterPipeline(configuration);
        services.AddSingleton(time); // after the pipeline's system clock: the last registration wins
        configure?.Invoke(services); // a test's stand-ins (a destination), last: they win
        _services = services.BuildServiceProvider();
    }

    public ISyncRunner Runner => _services.GetRequiredService<ISyncRunner>();

    /// <summary>One of the pipeline's services, as the program resolves it.</summary>
    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public IAdapterStore Store => _services.GetRequiredService<IAdapterStore>();

    public string Owner => _services.GetRequiredService<WorkerIdentity>().Owner;

    public InboxIngestor Ingestor => _services.GetRequiredService<InboxIngestor>();

    /// <summary>The patient key the pipeline gives an MRN (the store's key, never the MRN itself).</summary>
    public string PatientKey(string mrn) => _services.GetRequiredService<FhirAdapter.Core.Mapping.RecordMapper>().PatientKey(mrn);

    /// <summary>The service's scheduler, running this instance's pipeline through <paramref name="runner"/> (a wrapper that watches it).</summary>
    public SyncScheduler Scheduler(ISyncRunner runner) => new(
        runner, _services.GetRequiredService<IOptions<WorkerOptions>>(), _services.GetRequiredService<TimeProvider>(), NullLogger<SyncScheduler>.Instance);

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
