using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace FhirAdapter.Operations.Destinations;

/// <summary>
/// The circuit breaker of each destination as this instance last saw it, read from Polly's telemetry (meter
/// <c>Polly</c>, the strategy events): the exchange's pipelines report every opening and closing there, so the console
/// learns the state without reaching into them. A destination with no event since the service started is closed.
/// </summary>
public sealed class CircuitWatch : IDisposable
{
    private const string PipelinePrefix = "FhirAdapter.Exchange:";
    private const string PipelineSuffix = "-fhir";
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, (string State, DateTimeOffset At)> _states = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public CircuitWatch(TimeProvider time)
    {
        _time = time;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Polly" && instrument.Name == "resilience.polly.strategy.events")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, _, tags, _) => Observe(tags));
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) => Observe(tags));
        _listener.Start();
    }

    /// <summary>closed, open or half-open, and since when (null: nothing seen since start).</summary>
    public (string State, DateTimeOffset? Since) StateOf(string destination) =>
        _states.TryGetValue(destination, out var s) ? (s.State, s.At) : ("closed", null);

    private void Observe(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? pipeline = null;
        string? name = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "pipeline.name")
            {
                pipeline = tag.Value as string;
            }
            else if (tag.Key == "event.name")
            {
                name = tag.Value as string;
            }
        }

        var state = name switch
        {
            "OnCircuitOpened" => "open",
            "OnCircuitHalfOpened" => "half-open",
            "OnCircuitClosed" => "closed",
            _ => null,
        };
        if (state is null || pipeline is null || !pipeline.StartsWith(PipelinePrefix, StringComparison.Ordinal))
        {
            return;
        }

        var destination = pipeline[PipelinePrefix.Length..];
        if (destination.EndsWith(PipelineSuffix, StringComparison.Ordinal))
        {
            destination = destination[..^PipelineSuffix.Length];
        }

        _states[destination] = (state, _time.GetUtcNow());
    }

    public void Dispose() => _listener.Dispose();
}
