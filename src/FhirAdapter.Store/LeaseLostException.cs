namespace FhirAdapter.Store;

/// <summary>
/// A unit of work named a lease owner that no longer holds the patient's lease (it expired and another worker
/// took it). Nothing of the unit was written; the other worker redoes the work.
/// </summary>
public sealed class LeaseLostException : Exception
{
    public LeaseLostException()
    {
    }

    public LeaseLostException(string message)
        : base(message)
    {
    }

    public LeaseLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LeaseLostException(string patientKey, string owner)
        : base($"The lease on {patientKey} is no longer held by {owner}")
    {
        PatientKey = patientKey;
        Owner = owner;
    }

    public string? PatientKey { get; }

    public string? Owner { get; }
}
