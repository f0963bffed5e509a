using System.Text.Json;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store;
using FhirAdapter.Store.Quarantine;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Operations.Pages.Quarantine;

/// <summary>A quarantined record's raw text (privacy role only): patient data, so the view is recorded.</summary>
public sealed class RecordModel(IAdapterStore store, IPatientViewStore views, RecordMapper mapper, ILogger<RecordModel> logger) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    public QuarantinedRecord? Entry { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Entry = await store.GetQuarantinedAsync(Id, cancellationToken);
        if (Entry is null)
        {
            return NotFound();
        }

        var key = PatientKeyOf(Entry.RawText);
        var what = $"raw quarantined record #{Id}";
        await views.RecordPatientViewAsync(User.Identity!.Name!, key, what, cancellationToken);
        Log.PatientViewed(logger, User.Identity!.Name!, key ?? "(unknown)", what);
        return Page();
    }

    /// <summary>The patient of a raw NDJSON or JSON record, when its MRN can be read (a broken record may not say).</summary>
    private string? PatientKeyOf(string? raw)
    {
        if (raw is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(raw);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            // Sessions and consents carry patientMrn; an intake carries its patient, mrn included.
            var mrn = root.TryGetProperty("patientMrn", out var m) ? m
                : root.TryGetProperty("patient", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("mrn", out var pm) ? pm
                : default;
            return mrn.ValueKind == JsonValueKind.String && mrn.GetString() is { Length: > 0 } text ? mapper.PatientKey(text) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
