using System.Globalization;
using AngleSharp.Dom;

namespace FhirAdapter.Operations.Tests.Support;

/// <summary>Reads the numbers the pages show (formatted with thousands separators).</summary>
internal static class Figures
{
    public static long Parse(string text) => long.Parse(text.Trim(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    public static long Of(IParentNode scope, string figure) =>
        Parse((scope.QuerySelector($"[data-figure='{figure}']") ?? throw new InvalidOperationException($"no figure {figure}")).TextContent);
}
