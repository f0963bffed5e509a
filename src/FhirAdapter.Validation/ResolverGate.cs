namespace FhirAdapter.Validation;

/// <summary>
/// A lock around the resolver chain that the same logical flow may re-enter even from another thread. Firely runs
/// async resolver calls on the thread pool and blocks on them (TaskHelper.Await), so a thread-affine lock (Monitor)
/// held by the caller would deadlock the pool thread doing the caller's own work. Ownership follows the
/// ExecutionContext instead: the blocked caller and the work it waits for count as one holder.
/// </summary>
internal sealed class ResolverGate
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);
    private readonly AsyncLocal<bool> _held = new();

    /// <summary>Runs <paramref name="action"/> holding the gate.</summary>
    public T Run<T>(Func<T> action)
    {
        if (_held.Value)
            return action();

        _semaphore.Wait();
        _held.Value = true;
        try
        {
            return action();
        }
        finally
        {
            _held.Value = false;
            _semaphore.Release();
        }
    }
}
