using FhirAdapter.Operations.Patients;
using FhirAdapter.Store;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FhirAdapter.Operations.Pages.Patients;

/// <summary>
/// Look up by MRN. The MRN is posted, never put in a URL (URLs end up in logs and browser history): the patient's
/// page is addressed by patient key.
/// </summary>
public sealed class IndexModel(PatientLookup lookup, IRecordStore records) : PageModel
{
    public bool Unknown { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? mrn, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(mrn))
        {
            Unknown = true;
            return Page();
        }

        var key = lookup.KeyFor(mrn);
        if ((await records.GetCurrentRecordsAsync(key, cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            Unknown = true;
            return Page();
        }

        return RedirectToPage("/Patients/Patient", new { key });
    }
}
