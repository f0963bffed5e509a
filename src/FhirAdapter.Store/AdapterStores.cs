using FhirAdapter.Core.Configuration;
using FhirAdapter.Store.Postgres;
using FhirAdapter.Store.Sql;
using FhirAdapter.Store.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Store;

/// <summary>Builds the store that <see cref="StoreOptions.Provider"/> names; the DI extension uses it, and so can a tool without a host.</summary>
public static class AdapterStores
{
    /// <summary>The databases this build knows, each with its connection-string check (a problem, or null) and its dialect: a new one adds its line.</summary>
    internal static readonly (string Name, Func<string, string?> CheckConnectionString, Func<StoreOptions, ILogger, SqlDialect> Dialect)[] Providers =
    [
        (StoreOptions.SqliteProvider, SqliteDialect.CheckConnectionString, (options, logger) => new SqliteDialect(options, logger)),
        (StoreOptions.PostgresProvider, PostgresDialect.CheckConnectionString, (options, logger) => new PostgresDialect(options, logger)),
    ];

    /// <exception cref="OptionsValidationException">The options are invalid; the message names each key at fault.</exception>
    /// <param name="random">Uniform in [0, 1): spreads the retries of writers that collided (default: a shared generator).</param>
    public static IAdapterStore Create(StoreOptions options, TimeProvider? time = null, ILoggerFactory? loggers = null, Func<double>? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        string[] failures =
        [
            .. ConfigurationKeys.Validate(new StoreOptionsValidator(), StoreOptions.SectionName, options).Failures ?? [],
            .. new StoreOptionsRules().Validate(null, options).Failures ?? [],
        ];
        if (failures.Length > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(StoreOptions), failures);
        }

        loggers ??= NullLoggerFactory.Instance;
        time ??= TimeProvider.System;
        var logger = loggers.CreateLogger<IAdapterStore>();
#pragma warning disable RS0030 // The store's factory is where its randomness is chosen; callers (tests) pass their own.
        random ??= Random.Shared.NextDouble;
#pragma warning restore RS0030
        return new SqlAdapterStore(CreateDialect(options, logger), options, time, logger, random);
    }

    internal static SqlDialect CreateDialect(StoreOptions options, ILogger logger) =>
        Providers.Single(p => string.Equals(p.Name, options.Provider, StringComparison.OrdinalIgnoreCase)).Dialect(options, logger);
}
