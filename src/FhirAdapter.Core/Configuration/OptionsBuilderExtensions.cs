using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Core.Configuration;

/// <summary>Registration of source-generated options validators whose messages name configuration keys.</summary>
public static class OptionsBuilderExtensions
{
    /// <summary>
    /// Validates the options with <paramref name="generated"/> (an <see cref="OptionsValidatorAttribute"/> class), its
    /// messages naming keys under <paramref name="section"/>. Registered once however often a host asks.
    /// </summary>
    public static OptionsBuilder<TOptions> ValidateWithKeys<TOptions>(this OptionsBuilder<TOptions> builder, string section, IValidateOptions<TOptions> generated)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>>(new KeyedOptionsValidator<TOptions>(section, generated)));
        return builder;
    }
}
