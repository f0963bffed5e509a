using System.Collections.Concurrent;
using FhirAdapter.Exchange.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Exchange.Auth;

/// <summary>One SMART token client per destination, shared by every request so the token cache is shared too.</summary>
internal sealed class TokenClients(
    IOptionsMonitor<ExchangeOptions> options,
    IHttpClientFactory httpClients,
    TimeProvider time,
    ILoggerFactory loggers) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<SmartTokenClient>> _clients = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILogger _logger = loggers.CreateLogger("FhirAdapter.Exchange.Auth");

    public SmartTokenClient For(string destination) => _clients.GetOrAdd(destination, name => new Lazy<SmartTokenClient>(() =>
    {
        var d = options.CurrentValue.Find(name) ?? throw new InvalidOperationException($"No destination named '{name}' is configured");
        return new SmartTokenClient(d, httpClients, time, _logger);
    })).Value;

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }
}
