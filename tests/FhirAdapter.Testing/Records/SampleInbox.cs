using FhirAdapter.Core.Reading;

namespace FhirAdapter.Testing;

/// <summary>The current versions of the records of samples/inbox, read once per test process.</summary>
public static class SampleInbox
{
    private static readonly Lazy<IReadOnlyList<ClinicRecord>> Current = new(() =>
        InboxSnapshot.ReadAsync(RepoPaths.Inbox).GetAwaiter().GetResult().Records.Records.ToList());

    public static IReadOnlyList<ClinicRecord> Records => Current.Value;
}
