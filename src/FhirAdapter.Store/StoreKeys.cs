namespace FhirAdapter.Store;

/// <summary>Keys with a fixed meaning in the store.</summary>
public static class StoreKeys
{
    /// <summary>
    /// The work key of the Questionnaire Bundle. Forms belong to no patient, yet their Bundle is mapped, leased and
    /// delivered like a patient's; patient keys start with <c>p-</c>, so this one cannot clash.
    /// </summary>
    public const string Questionnaires = "questionnaires";

    /// <summary>
    /// The work key leased while an instance scans the inbox for a tick, so that a tick's scan never overlaps a scan
    /// still running on another instance (a long backfill can outlast a tick). No patient key can clash with it.
    /// </summary>
    public const string InboxScan = "inbox-scan";

    /// <summary>
    /// The work key leased, per destination, while an instance writes the resources many patients share (a
    /// Practitioner) to that destination. Two instances creating the same one at once would each find no match for the
    /// conditional update and create it twice; under this lease one writes it and records its server id, and everyone
    /// after refers to it by that id.
    /// </summary>
    public static string SharedResources(string destination) => "shared-resources:" + destination;

    /// <summary>
    /// The owner of the delivery states of resources many patients share (<c>SharedResources</c> types in Core): they are
    /// written to a destination once for every patient, not with any one patient's Bundle.
    /// </summary>
    public const string Shared = "shared";
}
