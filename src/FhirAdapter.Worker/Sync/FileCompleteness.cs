using System.Collections.Concurrent;
using FhirAdapter.Worker.Scheduling;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Worker.Sync;

/// <summary>
/// Tells whether the practice system has finished writing an inbox file, by the convention that
/// <c>Adapter:InboxCompleteWhen</c> names (docs/inbox.md). A file read half-written would quarantine its cut last
/// line and then read the rest as a changed file: this keeps such a file out of the scan until it is complete.
/// </summary>
internal sealed class FileCompleteness(IOptions<WorkerOptions> options, TimeProvider time)
{
    private static readonly string[] MarkerExtensions = [".done", ".ready"];

    /// <summary>What the scan last saw of each file not yet read, and since when it has looked like that.</summary>
    private readonly ConcurrentDictionary<string, Observation> _seen = new(StringComparer.Ordinal);

    /// <summary>A file's size and last write, which any write changes.</summary>
    public readonly record struct Stamp(long Size, DateTimeOffset LastWriteUtc)
    {
        public static Stamp Of(FileInfo info)
        {
            info.Refresh();
            return info.Exists ? new(info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero)) : new(-1, DateTimeOffset.MinValue);
        }
    }

    /// <param name="FirstSight">True until the file is seen to change: a file seen changing is being written, and must
    /// then be watched unchanged for the whole settle time, whatever its modification time says.</param>
    private sealed record Observation(Stamp Stamp, DateTimeOffset Since, bool FirstSight);

    private string Mode => options.Value.InboxCompleteWhen;

    private TimeSpan SettleTime => options.Value.InboxSettleTime;

    /// <summary>True when a file that is not complete yet is worth waiting for within the pass (it may settle soon).</summary>
    public bool WaitsWithinPass => Mode.Equals(InboxCompletion.Settled, StringComparison.OrdinalIgnoreCase) && SettleTime > TimeSpan.Zero;

    /// <summary>The longest a pass waits for files still being written before it leaves them for the next pass.</summary>
    public TimeSpan MaxWait => SettleTime * 10;

    /// <summary>Whether the file at <paramref name="path"/>, now at <paramref name="stamp"/>, is complete and may be read.</summary>
    public bool IsComplete(string path, Stamp stamp)
    {
        if (Mode.Equals(InboxCompletion.Renamed, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (Mode.Equals(InboxCompletion.Marker, StringComparison.OrdinalIgnoreCase))
        {
            return HasMarker(path, stamp);
        }

        if (SettleTime <= TimeSpan.Zero)
        {
            return true;
        }

        var now = time.GetUtcNow();
        var seen = _seen.AddOrUpdate(path, _ => new Observation(stamp, now, FirstSight: true), (_, old) => old.Stamp == stamp ? old : new Observation(stamp, now, FirstSight: false));
        // Unchanged for the settle time as this process watched it, or, never seen changing, last written longer ago than that.
        return now - seen.Since >= SettleTime || (seen.FirstSight && now - stamp.LastWriteUtc >= SettleTime);
    }

    /// <summary>How long until a file seen now and unchanged since would count as settled.</summary>
    public TimeSpan UntilSettled(string path)
    {
        var now = time.GetUtcNow();
        return _seen.TryGetValue(path, out var seen) ? Clamp(seen.Since + SettleTime - now) : SettleTime;
    }

    /// <summary>The file was read (or is gone): nothing to remember about it.</summary>
    public void Forget(string path) => _seen.TryRemove(path, out _);

    private static TimeSpan Clamp(TimeSpan wait) => wait < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : wait;

    /// <summary>
    /// A marker <c>NAME.done</c>, <c>NAME.ready</c> (or the same with the data file's extension replaced) written no
    /// earlier than the file's last write: a marker older than the file belongs to an earlier version of it.
    /// </summary>
    private static bool HasMarker(string path, Stamp stamp)
    {
        var withoutExtension = Path.Combine(Path.GetDirectoryName(path) ?? "", Path.GetFileNameWithoutExtension(path));
        return MarkerExtensions.SelectMany(e => new[] { path + e, withoutExtension + e })
            .Select(marker => new FileInfo(marker))
            .Any(marker => marker.Exists && new DateTimeOffset(marker.LastWriteTimeUtc, TimeSpan.Zero) >= stamp.LastWriteUtc);
    }
}
