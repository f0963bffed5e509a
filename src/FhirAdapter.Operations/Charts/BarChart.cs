using System.Globalization;
using System.Net;
using System.Text;

namespace FhirAdapter.Operations.Charts;

/// <summary>
/// A small bar chart as inline SVG, drawn on the server (no script, no library): one group of bars per sync, oldest
/// on the left, each series in its own colour, with the largest value on the axis and each bar's value in its title.
/// </summary>
public static class BarChart
{
    private const int Width = 640;
    private const int Height = 160;
    private const int Left = 48;
    private const int Bottom = 20;
    private const int Top = 10;
    private const double MaxSlot = 36;

    public sealed record Series(string Name, string CssClass, IReadOnlyList<double> Values);

    public static string Svg(string title, IReadOnlyList<string> labels, IReadOnlyList<Series> series, Func<double, string> format)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(format);
        var max = Math.Max(1, series.SelectMany(s => s.Values).DefaultIfEmpty(0).Max());
        var plotWidth = Width - Left - 8;
        var plotHeight = Height - Bottom - Top;
        // A few syncs draw as narrow bars on the left, as they will sit once more syncs have run, not as wide blocks.
        var slot = Math.Min(MaxSlot, labels.Count == 0 ? plotWidth : (double)plotWidth / labels.Count);
        var bar = Math.Max(1, (slot - 4) / Math.Max(1, series.Count));
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg class="chart" viewBox="0 0 {Width} {Height}" role="img" aria-label="{Encode(title)}" xmlns="http://www.w3.org/2000/svg">""");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{Encode(title)}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"""<line class="axis" x1="{Left}" y1="{Top + plotHeight}" x2="{Width - 8}" y2="{Top + plotHeight}"/>""");
        svg.Append(CultureInfo.InvariantCulture, $"""<line class="grid" x1="{Left}" y1="{Top}" x2="{Width - 8}" y2="{Top}"/>""");
        svg.Append(CultureInfo.InvariantCulture, $"""<text class="tick" x="{Left - 6}" y="{Top + 4}" text-anchor="end">{Encode(format(max))}</text>""");
        svg.Append(CultureInfo.InvariantCulture, $"""<text class="tick" x="{Left - 6}" y="{Top + plotHeight}" text-anchor="end">0</text>""");
        for (var i = 0; i < labels.Count; i++)
        {
            for (var s = 0; s < series.Count; s++)
            {
                var value = i < series[s].Values.Count ? series[s].Values[i] : 0;
                var h = value <= 0 ? 0 : Math.Max(1, value / max * plotHeight);
                var x = Left + (i * slot) + 2 + (s * bar);
                svg.Append(CultureInfo.InvariantCulture,
                    $"""<rect class="{series[s].CssClass}" x="{x:0.#}" y="{Top + plotHeight - h:0.#}" width="{Math.Max(1, bar - 1):0.#}" height="{h:0.#}"><title>{Encode(labels[i])}: {Encode(series[s].Name)} {Encode(format(value))}</title></rect>""");
            }
        }

        if (labels.Count > 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<text class="tick" x="{Left}" y="{Height - 4}">{Encode(labels[0])}</text>""");
            if (labels.Count > 1)
            {
                var lastX = Left + (labels.Count * slot);
                svg.Append(CultureInfo.InvariantCulture, $"""<text class="tick" x="{lastX:0.#}" y="{Height - 4}" text-anchor="end">{Encode(labels[^1])}</text>""");
            }
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
