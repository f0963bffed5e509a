using FhirAdapter.Core.Mapping;
using FhirAdapter.Operations.Patients;
using FhirAdapter.Store;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Operations.Pages.Patients;

/// <summary>One patient's page (privacy role only). Each view and each download is recorded before it is shown.</summary>
public sealed class PatientModel(PatientLookup lookup, IRecordStore records, IPatientViewStore views, ILogger<PatientModel> logger) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Key { get; set; } = "";

    public PatientFile? Patient { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await RecordAsync("patient page", cancellationToken))
        {
            return NotFound();
        }

        Patient = await lookup.ReadAsync(Key, cancellationToken);
        return Patient is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        if (!await RecordAsync("accounting of disclosures (CSV download)", cancellationToken))
        {
            return NotFound();
        }

        var csv = AccountingExport.Csv(await lookup.DisclosuresAsync(Key, cancellationToken));
        return File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", $"disclosures-{Key}.csv");
    }

    public async Task<IActionResult> OnGetFhirAsync(CancellationToken cancellationToken)
    {
        if (!await RecordAsync("accounting of disclosures (FHIR download)", cancellationToken))
        {
            return NotFound();
        }

        var bundle = AccountingExport.FhirBundle(await lookup.DisclosuresAsync(Key, cancellationToken));
        return File(System.Text.Encoding.UTF8.GetBytes(FhirJson.Serialize(bundle)), FhirJson.MediaType, $"disclosures-{Key}.json");
    }

    /// <summary>Records the view first, so that nothing is shown unrecorded; false when the store knows no such patient.</summary>
    private async Task<bool> RecordAsync(string what, CancellationToken cancellationToken)
    {
        if (!Key.StartsWith("p-", StringComparison.Ordinal) || (await records.GetCurrentRecordsAsync(Key, cancellationToken)).Count == 0)
        {
            return false;
        }

        await views.RecordPatientViewAsync(User.Identity!.Name!, Key, what, cancellationToken);
        Log.PatientViewed(logger, User.Identity!.Name!, Key, what);
        return true;
    }
}
