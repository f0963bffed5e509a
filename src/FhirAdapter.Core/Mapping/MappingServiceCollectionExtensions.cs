using FhirAdapter.Core.Configuration;
using FhirAdapter.Core.Mapping;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the mapping's settings for a host.</summary>
public static class MappingServiceCollectionExtensions
{
    /// <summary>Binds <c>Adapter:Mapping</c>, validated on start with messages that name the key.</summary>
    public static IServiceCollection AddMappingOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptionsWithValidateOnStart<MappingOptions>()
            .BindWithKeys(configuration.GetSection(MappingOptions.SectionName))
            .ValidateWithKeys(MappingOptions.SectionName, new MappingOptionsValidator());
        return services;
    }
}
