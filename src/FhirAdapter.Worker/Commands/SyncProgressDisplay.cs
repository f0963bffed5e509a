using FhirAdapter.Worker.Sync;
using Spectre.Console;

namespace FhirAdapter.Worker.Commands;

/// <summary>
/// Shows a sync's progress: a live progress bar per stage on an interactive terminal, plain lines at most
/// every few seconds when the output is redirected (a log file, cron mail), so a long first sync is never silent.
/// </summary>
internal static class SyncProgressDisplay
{
    private static readonly TimeSpan LineEvery = TimeSpan.FromSeconds(5);

    public static Task<SyncReport> RunAsync(ISyncRunner runner, TextWriter output, TimeProvider time, CancellationToken cancellationToken) =>
        RunAsync(progress => runner.RunOnceAsync(progress, cancellationToken), output, time);

    /// <summary>Runs any work that reports <see cref="SyncProgress"/> (a sync, a remap), showing its progress.</summary>
    public static async Task<T> RunAsync<T>(Func<IProgress<SyncProgress>, Task<T>> work, TextWriter output, TimeProvider time)
    {
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (!interactive)
        {
            var last = time.GetUtcNow();
            var lines = new InlineProgress(p =>
            {
                var now = time.GetUtcNow();
                if (now - last >= LineEvery)
                {
                    last = now;
                    output.WriteLine(p.Total is { } total ? $"{p.Stage}: {p.Done} of {total}" : $"{p.Stage}: {p.Done} done");
                }
            });
            try
            {
                return await work(lines).ConfigureAwait(false);
            }
            finally
            {
                lines.Stop();
            }
        }

        T? report = default;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                var bars = new InlineProgress(p =>
                {
                    if (!tasks.TryGetValue(p.Stage, out var task))
                    {
                        foreach (var previous in tasks.Values)
                        {
                            previous.Value = previous.MaxValue; // a later stage started: the earlier ones are done
                        }

                        task = tasks[p.Stage] = context.AddTask(p.Stage, maxValue: p.Total ?? 1);
                        task.IsIndeterminate = p.Total is null;
                    }

                    task.Value = p.Total is null ? 0 : p.Done;
                });
                try
                {
                    report = await work(bars).ConfigureAwait(false);
                }
                finally
                {
                    bars.Stop();
                }

                foreach (var task in tasks.Values)
                {
                    task.IsIndeterminate = false;
                    task.Value = task.MaxValue;
                }
            }).ConfigureAwait(false);
        return report!;
    }

    /// <summary>
    /// Reports on the reporting thread, one at a time, and not at all once stopped. <see cref="Progress{T}"/> posts to the
    /// thread pool instead, so a report could reach the output after the command had finished with it (and closed it).
    /// </summary>
    private sealed class InlineProgress(Action<SyncProgress> show) : IProgress<SyncProgress>
    {
        private readonly Lock _gate = new();
        private bool _stopped;

        public void Report(SyncProgress value)
        {
            lock (_gate)
            {
                if (!_stopped)
                {
                    show(value);
                }
            }
        }

        public void Stop()
        {
            lock (_gate)
            {
                _stopped = true;
            }
        }
    }
}
