using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using FhirAdapter.Api.Options;
using FhirAdapter.Store;
using FhirAdapter.Store.Api;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Api.Export;

/// <summary>
/// The bulk export jobs, in the store (so any instance answers a job's status and serves its files, and a restart keeps
/// them), and their files under <see cref="Root"/>, a folder every instance must share: one folder per run of a job,
/// <c>{id}-{attempt}</c>. A job is only ever shown to the client that started it.
/// </summary>
internal sealed class ExportJobs
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly IApiStateStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ExportJobs(IApiStateStore store, IOptions<FhirApiOptions> options, TimeProvider time, ILogger<ExportJobs> logger)
    {
        Options = options.Value.Export;
        Root = Path.GetFullPath(Options.Directory);
        _store = store;
        _time = time;
        _logger = logger;
    }

    public FhirApiExportOptions Options { get; }

    /// <summary>The absolute export folder.</summary>
    public string Root { get; }

    /// <summary>The folder of a job's current run.</summary>
    public string Folder(ApiExportJob job) => Path.Combine(Root, $"{job.Id}-{job.Attempt.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Queues a job unless its client has <see cref="FhirApiExportOptions.MaxActivePerClient"/> running (false), counted over every instance.</summary>
    public async Task<bool> AddAsync(ApiExportJob job, CancellationToken cancellationToken)
    {
        if (!await _store.AddExportJobAsync(job, Options.MaxActivePerClient, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        Log.ExportQueued(_logger, job.Id, job.ClientId);
        _wake.Writer.TryWrite(true);
        return true;
    }

    /// <summary>Until a job is queued here, or <paramref name="idle"/> has passed (a job of another instance may be waiting).</summary>
    public async Task WaitForWorkAsync(TimeSpan idle, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(idle, _time, timeout.Token);
        await Task.WhenAny(_wake.Reader.WaitToReadAsync(timeout.Token).AsTask(), delay).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        _wake.Reader.TryRead(out _);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>The client's job and what it asked, unless it is unknown, another client's or expired.</summary>
    public async Task<(ApiExportJob Job, ExportRequest Request)?> FindAsync(string id, string clientId, CancellationToken cancellationToken)
    {
        var job = await _store.FindExportJobAsync(id, cancellationToken).ConfigureAwait(false);
        if (job is null || job.ClientId != clientId)
        {
            return null;
        }

        if (job.ExpiresAt is { } expires && expires <= _time.GetUtcNow())
        {
            await DeleteAsync(job, cancellationToken).ConfigureAwait(false);
            Log.ExportExpired(_logger, job.Id);
            return null;
        }

        return (job, ExportRequest.Parse(job.RequestJson));
    }

    /// <summary>Cancels a job (its runner stops, here at once, on another instance at its next renewal) and deletes it with its files.</summary>
    public async Task DeleteAsync(ApiExportJob job, CancellationToken cancellationToken)
    {
        await _store.DeleteExportJobAsync(job.Id, cancellationToken).ConfigureAwait(false);
        if (_running.TryGetValue(job.Id, out var running))
        {
            await running.CancelAsync().ConfigureAwait(false);
        }

        DeleteFiles(Folder(job));
    }

    /// <summary>Marks a job as run by this instance, so that a DELETE here cancels it at once.</summary>
    public IDisposable Track(string id, CancellationTokenSource cancellation)
    {
        _running[id] = cancellation;
        return new Untrack(() => _running.TryRemove(new KeyValuePair<string, CancellationTokenSource>(id, cancellation)));
    }

    /// <summary>
    /// Deletes expired jobs and their files, folders no job runs any more (a cancelled job, an earlier run of a job taken
    /// over, a job deleted by another instance), expired tokens and assertion ids. Every instance sweeps; they agree.
    /// </summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        foreach (var job in await _store.GetExpiredExportJobsAsync(cancellationToken).ConfigureAwait(false))
        {
            await DeleteAsync(job, cancellationToken).ConfigureAwait(false);
            Log.ExportExpired(_logger, job.Id);
        }

        if (Directory.Exists(Root))
        {
            foreach (var folder in Directory.EnumerateDirectories(Root))
            {
                var name = Path.GetFileName(folder);
                var dash = name.LastIndexOf('-');
                if (!File.Exists(Path.Combine(folder, ExportRunner.MarkerFile)) || dash < 1)
                {
                    continue; // not ours
                }

                var job = await _store.FindExportJobAsync(name[..dash], cancellationToken).ConfigureAwait(false);
                if (job is null || job.Attempt.ToString(CultureInfo.InvariantCulture) != name[(dash + 1)..])
                {
                    DeleteFiles(folder);
                }
            }
        }

        await _store.DeleteExpiredAuthStateAsync(cancellationToken).ConfigureAwait(false);
    }

    public static void DeleteFiles(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // A file still being read is deleted by the next sweep.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed class Untrack(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
