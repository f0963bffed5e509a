using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;

namespace FhirAdapter.Store.Patients;

/// <summary>A record the mapping held back, and what it waits for.</summary>
/// <param name="WaitKey">For <see cref="HeldWaitKind.Form"/> the form key <c>formId|version</c>; null otherwise.</param>
public sealed record HeldEntry(RecordKind Kind, string RecordId, HeldWaitKind WaitKind, string? WaitKey)
{
    /// <summary>
    /// From the mapper's held record: an intake is only held for its form, anything else only for its patient's
    /// intake (see <see cref="RecordMapper.MapPatient"/>).
    /// </summary>
    public static HeldEntry From(HeldRecord held)
    {
        ArgumentNullException.ThrowIfNull(held);
        var record = held.Record;
        return record.Payload is IntakePayload intake
            ? new HeldEntry(record.Kind, record.RecordId, HeldWaitKind.Form, RecordMapper.FormKey(intake.FormId, intake.FormVersion))
            : new HeldEntry(record.Kind, record.RecordId, HeldWaitKind.Intake, null);
    }
}
