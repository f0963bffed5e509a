namespace FhirAdapter.Exchange.Options;

/// <summary>One external EHR: where it is, how to authenticate and how hard to push.</summary>
public sealed class DestinationOptions
{
    /// <summary>Unique name used in logs, results and the store.</summary>
    public string Name { get; set; } = "";

    /// <summary>The receiving organization's id, as named in patients' disclosure consents.</summary>
    public string OrganizationId { get; set; } = "";

    /// <summary>FHIR base URL, absolute http(s).</summary>
    public string BaseUrl { get; set; } = "";

    public DestinationAuthOptions Auth { get; set; } = new();

    /// <summary>Largest transaction Bundle sent; bigger patient Bundles are split.</summary>
    public int MaxBundleEntries { get; set; } = 100;

    /// <summary>How many patients are sent to this destination at once.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Timeout of one HTTP attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one request including all its retries and waits.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Retries after the first attempt, for transient failures of idempotent requests.</summary>
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>First backoff delay; doubles per retry, with jitter.</summary>
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest backoff delay between two attempts.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest Retry-After wait honoured; a longer one is cut to this.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a 409/412 (someone else changed it, or its match changed) is re-read and applied again
    /// within one sync before the entries are left pending as a conflict for the next sync.</summary>
    public int MaxConflictRetries { get; set; } = 3;

    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();
}
