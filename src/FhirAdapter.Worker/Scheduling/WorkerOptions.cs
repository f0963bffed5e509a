using System.ComponentModel.DataAnnotations;
using Cronos;

namespace FhirAdapter.Worker.Scheduling;

/// <summary>What the service reads and when: bound from <c>Adapter</c> (Adapter:Inbox, Adapter:Schedule, …).</summary>
public sealed class WorkerOptions : IValidatableObject
{
    public const string SectionName = "Adapter";

    /// <summary>The folder the clinic's practice system exports into.</summary>
    [Required]
    public string Inbox { get; set; } = "samples/inbox";

    /// <summary>
    /// How the scan tells that a file is complete (see docs/inbox.md): <c>Settled</c> (its size and modification time
    /// have not changed for <see cref="InboxSettleTime"/>), <c>Renamed</c> (the practice system writes under a temporary
    /// name and renames: a file is complete as soon as it has its name), or <c>Marker</c> (a <c>.done</c> or
    /// <c>.ready</c> file beside it, written after it). Temporary and hidden names are never read, whichever it is.
    /// </summary>
    [Required]
    public string InboxCompleteWhen { get; set; } = InboxCompletion.Settled;

    /// <summary>With <c>Settled</c>: how long a file must stay unchanged before it is read (0: read on sight).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan InboxSettleTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>When to sync: a cron expression (5 fields, or 6 with seconds), in UTC.</summary>
    [Required]
    public string Schedule { get; set; } = "*/5 * * * *";

    /// <summary>Whether to sync once right after start, before the first scheduled time.</summary>
    public bool RunAtStart { get; set; } = true;

    /// <summary>A record held (waiting for its patient or form) longer than this shows as a warning in <c>status</c>.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan HeldWarningAfter { get; set; } = TimeSpan.FromDays(3);

    /// <summary>
    /// Patients a worker claims for mapping at a time. Smaller batches spread a backlog more evenly over several
    /// workers; larger ones cost fewer claims.
    /// </summary>
    [Range(1, 1000)]
    public int RemapBatchSize { get; set; } = 32;

    /// <summary>Patients a worker claims at a time for delivery to one destination (their Bundles are sent together).</summary>
    [Range(1, 1000)]
    public int DeliveryBatchSize { get; set; } = 16;

    public CronExpression ParseSchedule() =>
        CronExpression.Parse(Schedule, Schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        ValidationResult? problem = null;
        try
        {
            ParseSchedule();
        }
        catch (CronFormatException ex)
        {
            problem = new ValidationResult($"Adapter:Schedule is not a valid cron expression ({ex.Message})", [nameof(Schedule)]);
        }

        if (problem is not null)
        {
            yield return problem;
        }

        if (!InboxCompletion.All.Contains(InboxCompleteWhen, StringComparer.OrdinalIgnoreCase))
        {
            yield return new ValidationResult(
                $"Adapter:InboxCompleteWhen must be one of {string.Join(", ", InboxCompletion.All)}, not '{InboxCompleteWhen}'", [nameof(InboxCompleteWhen)]);
        }
    }
}
