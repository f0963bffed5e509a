using System.Globalization;
using FhirAdapter.Core.Reading;

namespace FhirAdapter.Operations.Tests.Support;

/// <summary>Checks a page's text for any seeded patient's name, MRN or birth date.</summary>
internal static class PatientData
{
    public static void AssertNone(IReadOnlyList<PatientInfo> patients, string html, string page)
    {
        Assert.NotEmpty(patients);
        foreach (var p in patients)
        {
            foreach (var value in new[] { p.Mrn, $"{p.FirstName} {p.LastName}", p.LastName + ",", p.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) })
            {
                Assert.False(html.Contains(value, StringComparison.OrdinalIgnoreCase), $"{page} shows patient data ({(value == p.Mrn ? "an MRN" : "a name or birth date")})");
            }
        }
    }
}
