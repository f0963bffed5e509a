using System.Diagnostics.Metrics;

namespace FhirAdapter.Worker.Diagnostics;

/// <summary>
/// The worker's metrics (meter <c>FhirAdapter</c>), exported through OpenTelemetry: records read and rejected,
/// patients mapped, resources invalid, delivered and rejected, sync passes (scanning the inbox or not) and their duration, and the validation fast path.
/// </summary>
public sealed class AdapterMetrics : IDisposable
{
    public const string MeterName = "FhirAdapter";

    private readonly Meter _meter;
    private readonly Counter<long> _recordsRead;
    private readonly Counter<long> _recordsRejected;
    private readonly Counter<long> _patientsMapped;
    private readonly Counter<long> _resourcesInvalid;
    private readonly Counter<long> _resourcesDelivered;
    private readonly Counter<long> _resourcesRejected;
    private readonly Histogram<double> _syncDuration;
    private readonly Counter<long> _passes;
    private readonly Counter<long> _fastPathDisagreements;

    public AdapterMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _recordsRead = _meter.CreateCounter<long>("fhiradapter.records.read", "{record}", "Records read from the inbox");
        _recordsRejected = _meter.CreateCounter<long>("fhiradapter.records.rejected", "{record}", "Records rejected on reading (quarantined)");
        _patientsMapped = _meter.CreateCounter<long>("fhiradapter.patients.mapped", "{patient}", "Patients mapped");
        _resourcesInvalid = _meter.CreateCounter<long>("fhiradapter.resources.invalid", "{resource}", "Mapped resources that failed validation");
        _resourcesDelivered = _meter.CreateCounter<long>("fhiradapter.resources.delivered", "{resource}", "Resources accepted by a destination");
        _resourcesRejected = _meter.CreateCounter<long>("fhiradapter.resources.rejected", "{resource}", "Resources a destination rejected");
        _passes = _meter.CreateCounter<long>("fhiradapter.sync.passes", "{pass}", "Sync passes, tagged inbox=scanned or inbox=elsewhere (another instance had the tick's scan)");
        _fastPathDisagreements = _meter.CreateCounter<long>("fhiradapter.validation.fastpath.disagreements", "{resource}", "Resources the validation fast path accepted in which Firely's double check found issues");
        _syncDuration = _meter.CreateHistogram<double>("fhiradapter.sync.duration", "s", "Duration of a sync pass");
    }

    public void RecordsRead(int read, int rejected)
    {
        _recordsRead.Add(read);
        _recordsRejected.Add(rejected);
    }

    public void Mapped(int patients, int invalid)
    {
        _patientsMapped.Add(patients);
        _resourcesInvalid.Add(invalid);
    }

    public void Delivered(int sent, int rejected)
    {
        _resourcesDelivered.Add(sent);
        _resourcesRejected.Add(rejected);
    }

    /// <summary>One pass, and whether it read the inbox: across instances, one pass per tick says <c>scanned</c>.</summary>
    public void Pass(bool inboxScanned) => _passes.Add(1, new KeyValuePair<string, object?>("inbox", inboxScanned ? "scanned" : "elsewhere"));

    public void FastPathDisagreement(string resourceType) =>
        _fastPathDisagreements.Add(1, new KeyValuePair<string, object?>("resource_type", resourceType));

    /// <summary>Observes the fast path's counts (accepted, sent to Firely, double-checked) when metrics are collected.</summary>
    public void ObserveFastPath(Func<IEnumerable<Measurement<long>>> counts) =>
        _meter.CreateObservableCounter("fhiradapter.validation.fastpath.resources", counts, "{resource}", "Resources the validation fast path accepted, sent to Firely or double-checked (tag outcome)");

    public void SyncDuration(TimeSpan duration) => _syncDuration.Record(duration.TotalSeconds);

    public void Dispose() => _meter.Dispose();
}
