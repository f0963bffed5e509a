using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Core.Configuration;

/// <summary>Binding and source-generated validation of options whose messages name configuration keys.</summary>
public static class OptionsBuilderExtensions
{
    /// <summary>
    /// Binds the options to <paramref name="section"/> as <see cref="OptionsBuilderConfigurationExtensions.Bind{TOptions}(OptionsBuilder{TOptions}, IConfiguration)"/>
    /// does (reloads included), except that a value of the wrong type fails on start naming its key (<see cref="OptionsBinding"/>).
    /// </summary>
    public static OptionsBuilder<TOptions> BindWithKeys<TOptions>(this OptionsBuilder<TOptions> builder, IConfigurationSection section)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.Services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(new ConfigurationChangeTokenSource<TOptions>(builder.Name, section));
        return builder.Configure(options => OptionsBinding.Bind(section, options));
    }

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
