using System.Globalization;
using System.Reflection;
using FhirAdapter.Exchange.Options;
using FhirAdapter.Operations.Charts;
using FhirAdapter.Operations.Destinations;
using FhirAdapter.Operations.Reports;
using FhirAdapter.Store;
using FhirAdapter.Store.Delivery;
using FhirAdapter.Store.Operations;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Operations.Pages;

/// <summary>
/// Destinations: per EHR the store's delivery counts (every count <see cref="DeliveryCounts"/> has, so a count added
/// to it shows as a new column), the circuit, the last error, the rejections with the server's reasons, and charts
/// over the stored sync reports.
/// </summary>
public sealed class DestinationsModel(
    IAdapterStore store, IOperationsQueries queries, ISyncReportStore reports, CircuitWatch circuits, IOptions<ExchangeOptions> exchange, IOptions<ConsoleOptions> options)
    : PageModel
{
    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        [nameof(DeliveryCounts.PendingPatients)] = "Patients pending",
        [nameof(DeliveryCounts.NotPermittedPatients)] = "Patients not permitted",
        [nameof(DeliveryCounts.Sent)] = "Sent",
        [nameof(DeliveryCounts.WaitingForRetry)] = "Waiting for a retry",
        [nameof(DeliveryCounts.Conflicts)] = "Conflicts pending",
        [nameof(DeliveryCounts.Rejected)] = "Rejected",
        [nameof(DeliveryCounts.Blocked)] = "Blocked by a rejection",
        [nameof(DeliveryCounts.Withheld)] = "Withheld",
        [nameof(DeliveryCounts.Withdrawn)] = "Withdrawn",
    };

    /// <summary>The numeric properties of <see cref="DeliveryCounts"/>, in declaration order.</summary>
    public static IReadOnlyList<Column> Columns { get; } =
        [.. typeof(DeliveryCounts).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(long) || p.PropertyType == typeof(int))
            .OrderBy(p => p.MetadataToken)
            .Select(p => new Column(p.Name, Labels.TryGetValue(p.Name, out var l) ? l : SyncReportView.LabelOf(p.Name), p))];

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public IReadOnlyList<DeliveryProblem> Problems { get; private set; } = [];

    public IReadOnlyList<string> ChartLabels { get; private set; } = [];

    public string SentChart { get; private set; } = "";

    public string DurationChart { get; private set; } = "";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var counts = await store.CountDeliveriesAsync(cancellationToken).ConfigureAwait(false);
        Problems = await queries.GetDeliveryProblemsAsync(20, cancellationToken).ConfigureAwait(false);
        var configured = exchange.Value.Destinations;
        Rows = [.. configured.Select(d => d.Name).Concat(counts.Select(c => c.Destination)).Distinct(StringComparer.Ordinal).Select(name =>
        {
            var options = configured.FirstOrDefault(d => d.Name == name);
            var (state, since) = circuits.StateOf(name);
            return new Row(name, options?.OrganizationId ?? "(no longer configured)", options?.BaseUrl ?? "", state, since,
                counts.FirstOrDefault(c => c.Destination == name), Problems.FirstOrDefault(p => p.Destination == name));
        })];

        var runs = (await reports.GetSyncReportsAsync(options.Value.SyncHistory, cancellationToken).ConfigureAwait(false))
            .Select(SyncReportView.From).OfType<SyncReportView>().Reverse().ToList();
        ChartLabels = [.. runs.Select(r => r.Run.Run.StartedAt.ToUniversalTime().ToString("MM-dd HH:mm", CultureInfo.InvariantCulture))];
        SentChart = BarChart.Svg("Resources sent, rejected and waiting per sync", ChartLabels,
            [
                new BarChart.Series("sent", "sent", [.. runs.Select(r => (double)r.Count("Sent"))]),
                new BarChart.Series("rejected", "rejected", [.. runs.Select(r => (double)r.Count("Rejected"))]),
                new BarChart.Series("waiting for a retry", "waiting", [.. runs.Select(r => (double)r.Count("WaitingForRetry"))]),
            ],
            v => Format.Count((long)v));
        DurationChart = BarChart.Svg("Sync duration", ChartLabels,
            [new BarChart.Series("duration", "duration", [.. runs.Select(r => r.Duration?.TotalSeconds ?? 0)])],
            v => Format.Duration(TimeSpan.FromSeconds(v)));
    }

    public sealed record Column(string Name, string Label, PropertyInfo Property)
    {
        public long Read(DeliveryCounts counts) => Convert.ToInt64(Property.GetValue(counts), CultureInfo.InvariantCulture);
    }

    public sealed record Row(string Name, string OrganizationId, string BaseUrl, string Circuit, DateTimeOffset? CircuitSince, DeliveryCounts? Counts, DeliveryProblem? LastError);
}
