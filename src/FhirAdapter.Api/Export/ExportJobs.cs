using System.Collections.Concurrent;
using System.Threading.Channels;
using FhirAdapter.Api.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Api.Export;

/// <summary>
/// The exports of this process, in memory (a restart forgets them and deletes their files; clients start again), and
/// the queue the runner takes them from. A job is only ever shown to the client that started it.
/// </summary>
internal sealed class ExportJobs
{
    private readonly ConcurrentDictionary<string, ExportJob> _jobs = new(StringComparer.Ordinal);
    private readonly Channel<ExportJob> _queue = Channel.CreateUnbounded<ExportJob>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ExportJobs(IOptions<FhirApiOptions> options, TimeProvider time, ILogger<ExportJobs> logger)
    {
        Options = options.Value.Export;
        Root = Path.GetFullPath(Options.Directory);
        _time = time;
        _logger = logger;
    }

    public FhirApiExportOptions Options { get; }

    /// <summary>The absolute export folder.</summary>
    public string Root { get; }

    public ChannelReader<ExportJob> Queue => _queue.Reader;

    public int ActiveFor(string clientId) => _jobs.Values.Count(j => j.Grant.Client.ClientId == clientId && j.IsActive);

    public void Enqueue(ExportJob job)
    {
        _jobs[job.Id] = job;
        _queue.Writer.TryWrite(job);
        Log.ExportQueued(_logger, job.Id, job.Grant.Client.ClientId);
    }

    public Task<ExportJob?> FindAsync(string id, string clientId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Find(id, clientId));
    }

    public Task RemoveAsync(ExportJob job)
    {
        Remove(job);
        return Task.CompletedTask;
    }

    /// <summary>The client's job, unless it expired (then its files are deleted now).</summary>
    public ExportJob? Find(string id, string clientId)
    {
        if (!_jobs.TryGetValue(id, out var job) || job.Grant.Client.ClientId != clientId)
        {
            return null;
        }

        if (job.ExpiresAt is { } expires && expires <= _time.GetUtcNow())
        {
            Remove(job);
            Log.ExportExpired(_logger, job.Id);
            return null;
        }

        return job;
    }

    /// <summary>Cancels a job if it runs and deletes it with its files.</summary>
    public void Remove(ExportJob job)
    {
        _jobs.TryRemove(job.Id, out _);
        job.Cancellation.Cancel();
        if (!job.IsActive)
        {
            DeleteFiles(job.Directory);
        }
    }

    public void SweepExpired()
    {
        var now = _time.GetUtcNow();
        foreach (var job in _jobs.Values.Where(j => j.ExpiresAt is { } e && e <= now))
        {
            Remove(job);
            Log.ExportExpired(_logger, job.Id);
        }
    }

    /// <summary>Deletes export folders no job knows (left by an earlier process); only folders marked as ours.</summary>
    public void DeleteOrphans()
    {
        if (!System.IO.Directory.Exists(Root))
        {
            return;
        }

        foreach (var folder in System.IO.Directory.EnumerateDirectories(Root))
        {
            if (File.Exists(Path.Combine(folder, ExportRunner.MarkerFile)) && !_jobs.ContainsKey(Path.GetFileName(folder)))
            {
                DeleteFiles(folder);
            }
        }
    }

    public static void DeleteFiles(string folder)
    {
        try
        {
            if (System.IO.Directory.Exists(folder))
            {
                System.IO.Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // A file still being read is deleted by the next sweep's orphan pass or the next start.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
