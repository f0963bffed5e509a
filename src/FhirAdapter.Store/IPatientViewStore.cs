using FhirAdapter.Store.Operations;

namespace FhirAdapter.Store;

/// <summary>The record of every view of patient data in the console (who, when, which patient, what).</summary>
public interface IPatientViewStore
{
    Task RecordPatientViewAsync(string operatorName, string? patientKey, string what, CancellationToken cancellationToken);

    /// <summary>A patient's views, newest first.</summary>
    Task<IReadOnlyList<PatientDataView>> GetPatientViewsAsync(string patientKey, int limit, CancellationToken cancellationToken);
}
