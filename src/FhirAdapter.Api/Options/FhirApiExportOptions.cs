using System.ComponentModel.DataAnnotations;

namespace FhirAdapter.Api.Options;

/// <summary>Bulk Data export settings (<c>Adapter:Api:Export</c>).</summary>
public sealed class FhirApiExportOptions
{
    /// <summary>Where export files are written, one folder per job. They hold patient data: protect the folder like the store.</summary>
    [Required]
    public string Directory { get; set; } = "data/exports";

    /// <summary>How long a finished export's files can be downloaded; then they are deleted.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan FileLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Exports a client may have running or queued at once; one more gets 429.</summary>
    [Range(1, int.MaxValue)]
    public int MaxActivePerClient { get; set; } = 1;

    /// <summary>The Retry-After a status poll is told while the export runs.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
