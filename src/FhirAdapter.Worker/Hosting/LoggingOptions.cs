using Serilog.Events;

namespace FhirAdapter.Worker.Hosting;

/// <summary>The service's logs, bound from <c>Adapter:Logging</c> (read before the host is built: it configures Serilog).</summary>
public sealed class LoggingOptions
{
    public const string SectionName = "Adapter:Logging";

    /// <summary>Compact JSON lines instead of console text.</summary>
    public bool Json { get; set; }

    /// <summary>The least level written; default Information for the service, Warning for a command (stdout is the command's).</summary>
    public LogEventLevel? Level { get; set; }
}
