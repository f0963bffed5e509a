namespace FhirAdapter.Exchange.Sending;

/// <summary>One async lock per key, created on demand and dropped when nobody holds or waits for it.</summary>
internal sealed class KeyedLock<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, Entry> _locks;

    public KeyedLock(IEqualityComparer<TKey>? comparer = null) => _locks = new Dictionary<TKey, Entry>(comparer);

    public async Task<IDisposable> AcquireAsync(TKey key, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_locks)
        {
            if (!_locks.TryGetValue(key, out entry!))
            {
                entry = new Entry();
                _locks[key] = entry;
            }

            entry.Users++;
        }

        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(key, entry, release: false);
            throw;
        }

        return new Releaser(this, key, entry);
    }

    private void Leave(TKey key, Entry entry, bool release)
    {
        lock (_locks)
        {
            if (release)
            {
                entry.Semaphore.Release();
            }

            if (--entry.Users == 0)
            {
                _locks.Remove(key);
                entry.Semaphore.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Releaser(KeyedLock<TKey> owner, TKey key, Entry entry) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                owner.Leave(key, entry, release: true);
            }
        }
    }
}
