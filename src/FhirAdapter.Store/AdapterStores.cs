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
    /// <exception cref="OptionsValidationException">The options are invalid; the message names each key at fault.</exception>
    public static IAdapterStore Create(StoreOptions options, TimeProvider? time = null, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new StoreOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(StoreOptions), validation.Failures);
        }

        loggers ??= NullLoggerFactory.Instance;
        time ??= TimeProvider.System;
        var logger = loggers.CreateLogger<IAdapterStore>();
        return new SqlAdapterStore(CreateDialect(options, logger), options, time, logger);
    }

    /// <summary>One case per provider; the validator's list names the same ones.</summary>
    internal static SqlDialect CreateDialect(StoreOptions options, ILogger logger) => options.Provider.ToUpperInvariant() switch
    {
        "SQLITE" => new SqliteDialect(options, logger),
        "POSTGRES" => new PostgresDialect(options, logger),
        _ => throw new InvalidOperationException($"{StoreOptions.SectionName}:Provider '{options.Provider}' is not supported"),
    };
}
