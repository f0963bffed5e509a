namespace FhirAdapter.Api.Options;

/// <summary>A fixed window per client: at most <see cref="PermitLimit"/> requests per <see cref="Window"/>; more get 429 with Retry-After.</summary>
public sealed class FhirApiRateLimitOptions
{
    public int PermitLimit { get; set; } = 600;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
