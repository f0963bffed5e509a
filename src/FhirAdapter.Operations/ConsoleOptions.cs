using System.ComponentModel.DataAnnotations;

namespace FhirAdapter.Operations;

/// <summary>The console's settings, bound from <c>Adapter:Console</c> and validated on start.</summary>
public sealed class ConsoleOptions
{
    public const string SectionName = "Adapter:Console";

    /// <summary>Serve the console under <c>/</c> (the FHIR API is served either way).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Failed sign-ins in a row that lock an operator out.</summary>
    [Range(1, 100)]
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long a locked-out operator waits before trying again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a sign-in lasts without activity (sliding).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Past syncs listed on the Now page and drawn in the charts.</summary>
    [Range(1, 1000)]
    public int SyncHistory { get; set; } = 30;
}
