using System.ComponentModel.DataAnnotations;
using System.CommandLine;
using Microsoft.Extensions.Configuration;

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

    /// <summary>Binds and validates an options section; a bad value fails with a message naming its key.</summary>
    public static T Bind<T>(IConfiguration configuration, string section) where T : new()
    {
        var options = new T();
        configuration.GetSection(section).Bind(options);
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            var problems = results.Select(r => $"{section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}");
            throw new OptionsValidationFailure(string.Join(Environment.NewLine, problems));
        }

        return options;
    }
}
