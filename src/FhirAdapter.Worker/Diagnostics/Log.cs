using Microsoft.Extensions.Logging;

namespace FhirAdapter.Worker.Diagnostics;

/// <summary>
/// Every log message of the worker, source-generated. Arguments are counts, ids and keys, never
/// patient data; an exception is logged by its type only, since messages can quote data.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Next sync at {Next:o}")]
    public static partial void NextSync(ILogger logger, DateTimeOffset next);

    [LoggerMessage(2, LogLevel.Information, "Sync finished: {Records} records read, {Patients} patients mapped, {Sent} resources sent, {Waiting} waiting for retry, {Rejected} rejected")]
    public static partial void SyncFinished(ILogger logger, int records, int patients, int sent, int waiting, int rejected);

    [LoggerMessage(3, LogLevel.Warning, "Sync stopped by shutdown; finished patients are committed, the rest resume on the next start")]
    public static partial void SyncStopped(ILogger logger);

    [LoggerMessage(4, LogLevel.Error, "Sync failed ({ExceptionType}); the next scheduled sync will try again")]
    public static partial void SyncFailed(ILogger logger, string exceptionType);

    [LoggerMessage(5, LogLevel.Information, "Tick {Tick:o}: this instance scans the inbox")]
    public static partial void InboxScanClaimed(ILogger logger, DateTimeOffset tick);

    [LoggerMessage(6, LogLevel.Information, "Tick {Tick:o}: another instance has the inbox scan; this one maps and delivers its share once the scan is over")]
    public static partial void InboxScanElsewhere(ILogger logger, DateTimeOffset tick);

    [LoggerMessage(7, LogLevel.Information, "Tick {Tick:o}: another instance is reading the inbox; this one waits for that scan to end before it maps")]
    public static partial void InboxScanWaiting(ILogger logger, DateTimeOffset tick);

    [LoggerMessage(8, LogLevel.Information, "New validation fingerprint {Fingerprint}: {Patients} stored patients are marked to be mapped and validated again")]
    public static partial void RevalidationMarked(ILogger logger, string fingerprint, int patients);

    [LoggerMessage(9, LogLevel.Error, "The check for patients validated under other profiles failed ({ExceptionType}); run remap --all to validate everything again")]
    public static partial void RevalidationCheckFailed(ILogger logger, string exceptionType);

    [LoggerMessage(10, LogLevel.Error, "Validation fast path disagreement: Firely reported {Issues} issue(s) in {ResourceType}/{ResourceId}, which the fast path accepted; the resource takes Firely's outcome")]
    public static partial void FastPathDisagreement(ILogger logger, string resourceType, string? resourceId, int issues);

    [LoggerMessage(11, LogLevel.Information, "Validator loaded in {LoadMs} ms: package {Package} {Version}, fingerprint {Fingerprint}; fast path plan {PlanOrigin}")]
    public static partial void ValidatorLoaded(ILogger logger, long loadMs, string package, string version, string fingerprint, string planOrigin);
}
