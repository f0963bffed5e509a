namespace FhirAdapter.Testing;

/// <summary>What the organization under test holds of a <see cref="ConsentCase"/>'s patient after one step.</summary>
/// <param name="Disclosed">The patient's data went to it (push: it is at its server; pull: the API serves it).</param>
/// <param name="NotesDisclosed">The session note (an SUD counseling note) went too.</param>
/// <param name="ConsentRecordId">The consent the disclosure rests on, as the accounting names it; null when nothing goes.</param>
public sealed record ConsentExpectation(bool Disclosed, bool NotesDisclosed, string? ConsentRecordId)
{
    public static ConsentExpectation Nothing { get; } = new(false, false, null);
}
