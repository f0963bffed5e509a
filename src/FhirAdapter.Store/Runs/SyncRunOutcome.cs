namespace FhirAdapter.Store.Runs;

public enum SyncRunOutcome
{
    /// <summary>Everything read was stored, mapped and delivered or held.</summary>
    Succeeded,

    /// <summary>Finished, but some records were rejected or some deliveries wait for a retry.</summary>
    CompletedWithErrors,

    /// <summary>Stopped by an error; the next run resumes.</summary>
    Failed,

    /// <summary>Stopped by shutdown after checkpointing; the next run resumes.</summary>
    Cancelled,
}
