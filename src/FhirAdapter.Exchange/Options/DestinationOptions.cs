using System.ComponentModel.DataAnnotations;
using FhirAdapter.Core.Configuration;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Exchange.Options;

/// <summary>One external EHR: where it is, how to authenticate and how hard to push.</summary>
public sealed class DestinationOptions
{
    /// <summary>Unique name used in logs, results and the store.</summary>
    [Required]
    public string Name { get; set; } = "";

    /// <summary>The receiving organization's id, as named in patients' disclosure consents.</summary>
    [Required]
    public string OrganizationId { get; set; } = "";

    /// <summary>FHIR base URL, absolute http(s).</summary>
    [Required]
    [HttpUrl]
    public string BaseUrl { get; set; } = "";

    [Required]
    [ValidateObjectMembers]
    public DestinationAuthOptions Auth { get; set; } = new();

    /// <summary>Largest transaction Bundle sent; bigger patient Bundles are split.</summary>
    [Range(1, 10_000)]
    public int MaxBundleEntries { get; set; } = 100;

    /// <summary>How many patients are sent to this destination at once.</summary>
    [Range(1, 256)]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Timeout of one HTTP attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.01", "01:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one request including all its retries and waits.</summary>
    [Range(typeof(TimeSpan), "00:00:00.01", "1.00:00:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Retries after the first attempt, for transient failures of idempotent requests.</summary>
    [Range(0, 100)]
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>First backoff delay; doubles per retry, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest backoff delay between two attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest Retry-After wait honoured; a longer one is cut to this.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a 409/412 (someone else changed it, or its match changed) is re-read and applied again
    /// within one sync before the entries are left pending as a conflict for the next sync.</summary>
    [Range(0, 20)]
    public int MaxConflictRetries { get; set; } = 3;

    [Required]
    [ValidateObjectMembers]
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();
}
