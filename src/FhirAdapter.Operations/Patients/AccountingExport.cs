using System.Globalization;
using CsvHelper;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store.Disclosures;
using Hl7.Fhir.Model;

namespace FhirAdapter.Operations.Patients;

/// <summary>
/// A patient's accounting of disclosures (42 CFR Part 2 §2.24) in the forms a patient may ask for: the lines
/// <c>disclosures</c> prints, a CSV file, and the AuditEvents as a FHIR collection Bundle.
/// </summary>
public static class AccountingExport
{
    public static Bundle FhirBundle(IEnumerable<Disclosure> disclosures)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Collection };
        bundle.Entry.AddRange(disclosures.Select(d => new Bundle.EntryComponent { Resource = FhirJson.ParseStored<AuditEvent>(d.AuditEventJson) }));
        return bundle;
    }

    public static string Csv(IEnumerable<Disclosure> disclosures)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture))
        {
            foreach (var header in new[] { "disclosed_at_utc", "organization", "channel", "purpose", "consent", "resource_count", "resources" })
            {
                csv.WriteField(header);
            }

            csv.NextRecord();
            foreach (var d in disclosures)
            {
                csv.WriteField(d.DisclosedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                csv.WriteField(d.OrganizationId);
                csv.WriteField(Channel(d));
                csv.WriteField(d.Purpose);
                csv.WriteField(d.ConsentRecordId ?? "");
                csv.WriteField(d.ResourceIds.Count);
                csv.WriteField(string.Join(' ', d.ResourceIds));
                csv.NextRecord();
            }
        }

        return text.ToString();
    }

    /// <summary>Resources disclosed at once, counted by type (as <c>disclosures</c> prints them).</summary>
    public static IReadOnlyList<(string Type, int Count)> ByType(Disclosure disclosure)
    {
        ArgumentNullException.ThrowIfNull(disclosure);
        return [.. disclosure.ResourceIds.GroupBy(TypeOf, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Count()))];
    }

    /// <summary>The resource type of a disclosed resource, named <c>Type/id</c> or by its conditional URL <c>Type?identifier=…</c>.</summary>
    public static string TypeOf(string resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var end = resource.IndexOfAny(['/', '?']);
        return end < 0 ? resource : resource[..end];
    }

    public static string Channel(Disclosure disclosure) => disclosure?.Channel.ToString().ToLowerInvariant() ?? "";
}
