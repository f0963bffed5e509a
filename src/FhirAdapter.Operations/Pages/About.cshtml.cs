using System.Reflection;
using FhirAdapter.Operations.About;
using FhirAdapter.Operations.Sync;
using FhirAdapter.Store;
using FhirAdapter.Store.Operations;
using FhirAdapter.Validation;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FhirAdapter.Operations.Pages;

/// <summary>About: versions, the store and its instances, the profile package and validation fingerprint, the configuration (secrets masked).</summary>
public sealed class AboutModel(IAdapterStore store, IOperationsQueries queries, ISyncControl sync, FhirResourceValidator validator, ConfigurationView configuration, TimeProvider time)
    : PageModel
{
    public string Version { get; } = VersionOf(typeof(AboutModel).Assembly);

    public string FirelyVersion { get; } = VersionOf(typeof(Hl7.Fhir.Model.Resource).Assembly);

    public string Provider => store.Provider;

    public int SchemaVersion { get; private set; }

    public string InstanceId => sync.InstanceId;

    public ProfilePackageInfo Package => validator.Package;

    public string Fingerprint => validator.Fingerprint;

    public IReadOnlyList<InstanceSeen> Instances { get; private set; } = [];

    public IReadOnlyList<(string Key, string Value)> Configuration { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        SchemaVersion = await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        Instances = await queries.GetInstancesAsync(time.GetUtcNow().AddDays(-1), cancellationToken).ConfigureAwait(false);
        Configuration = configuration.Entries();
    }

    private static string VersionOf(Assembly assembly)
    {
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "?";
        return version;
    }
}
