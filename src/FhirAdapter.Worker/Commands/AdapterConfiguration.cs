using System.CommandLine;
using FhirAdapter.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Worker.Commands;

/// <summary>Configuration for a command: appsettings.json, environment variables, then unmatched command-line tokens.</summary>
internal static class AdapterConfiguration
{
    public static IConfiguration Build(ParseResult parse)
    {
        var unmatched = parse.UnmatchedTokens.ToArray();
        return new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(unmatched)
            .Build();
    }

    /// <summary>
    /// Binds an options section outside a host (a command without one, or what must be known before the host is built).
    /// A value of the wrong type, or (with a source-generated validator) a bad value, throws <see cref="OptionsValidationException"/> naming its key.
    /// </summary>
    public static T Bind<T>(IConfiguration configuration, string section, IValidateOptions<T>? validator = null)
        where T : class, new()
    {
        var options = new T();
        OptionsBinding.Bind(configuration.GetSection(section), options);
        if (validator is not null && ConfigurationKeys.Validate(validator, section, options) is { Failed: true } result)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(T), result.Failures);
        }

        return options;
    }
}
