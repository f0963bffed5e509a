using System.Collections.Concurrent;

namespace FhirAdapter.Api.Auth;

/// <summary>
/// The assertion ids (<c>jti</c>) already used, per client, kept until the assertion expires (after which the
/// assertion is refused as expired anyway). One process: several API instances would need a shared store.
/// </summary>
internal sealed class ReplayCache
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public ReplayCache(TimeProvider time) => _time = time;

    /// <summary>Records the jti; false if it was seen before (a replay).</summary>
    public bool TryUse(string clientId, string jti, DateTimeOffset keepUntil)
    {
        var now = _time.GetUtcNow();
        foreach (var (key, until) in _used)
        {
            if (until < now)
            {
                _used.TryRemove(new KeyValuePair<string, DateTimeOffset>(key, until));
            }
        }

        return _used.TryAdd($"{clientId}\n{jti}", keepUntil);
    }
}
