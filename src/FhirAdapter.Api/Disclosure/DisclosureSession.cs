using FhirAdapter.Api.Auth;

namespace FhirAdapter.Api.Disclosure;

/// <summary>One request's access to patient data: each patient is decided once per request, then reused within it.</summary>
internal sealed class DisclosureSession(PatientAccess access, AccessGrant grant)
{
    private readonly Dictionary<string, PatientView?> _patients = new(StringComparer.Ordinal);

    public AccessGrant Grant => grant;

    public PatientAccess Access => access;

    public async Task<PatientView?> GetAsync(string patientKey, CancellationToken cancellationToken)
    {
        if (!_patients.TryGetValue(patientKey, out var view))
        {
            view = await access.LoadAsync(patientKey, grant, cancellationToken).ConfigureAwait(false);
            _patients[patientKey] = view;
        }

        return view;
    }

    public Task RecordAsync(PatientView patient, IReadOnlyList<Hl7.Fhir.Model.Resource> disclosed, string interaction, CancellationToken cancellationToken) =>
        access.RecordAsync(patient, disclosed, grant, interaction, cancellationToken);
}
