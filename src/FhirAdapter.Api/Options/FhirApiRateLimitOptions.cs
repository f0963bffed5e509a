using System.ComponentModel.DataAnnotations;

namespace FhirAdapter.Api.Options;

/// <summary>A fixed window per client: at most <see cref="PermitLimit"/> requests per <see cref="Window"/>; more get 429 with Retry-After.</summary>
public sealed class FhirApiRateLimitOptions
{
    [Range(1, int.MaxValue)]
    public int PermitLimit { get; set; } = 600;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
