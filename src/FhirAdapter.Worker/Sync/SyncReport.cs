using FhirAdapter.Worker.Delivery;

namespace FhirAdapter.Worker.Sync;

/// <summary>What one sync pass did, in counts a person or a script can read.</summary>
/// <param name="Sent">Resources written and accepted, over every destination.</param>
/// <param name="WaitingForRetry">Resources left for the next sync over every destination: waiting for a retry or a conflict to pass.</param>
/// <param name="Rejected">Resources rejected by a destination.</param>
public sealed record SyncReport(
    DateTimeOffset Started,
    DateTimeOffset Finished,
    int FilesRead,
    int RecordsRead,
    int RecordsRejected,
    int RecordsHeld,
    int PatientsMapped,
    int ResourcesInvalid,
    int Sent,
    int WaitingForRetry,
    int Rejected,
    IReadOnlyList<string> Problems)
{
    /// <summary>
    /// Resources not sent because the patient's consent does not cover them for that organization: left out of a
    /// patient's Bundle (counseling notes, other organizations' Part 2 consents), or pending work cancelled at the door
    /// because the consent no longer permits. Patients the consent does not permit at all are counted per destination
    /// in <see cref="DestinationReport.NotPermitted"/>.
    /// </summary>
    public int Withheld { get; init; }

    /// <summary>Resources mapped exactly as before and judged by the same validator: their outcome stood, not validated again.</summary>
    public int ResourcesUnchanged { get; init; }

    /// <summary>Inbox files not read by this pass because the practice system had not finished writing them (docs/inbox.md).</summary>
    public int FilesNotComplete { get; init; }

    /// <summary>Quarantine entries this pass found no longer apply (their record read valid, or their file read again without them).</summary>
    public int QuarantineCleared { get; init; }

    /// <summary>False when this pass left the inbox alone because another instance had its tick's scan.</summary>
    public bool InboxScanned { get; init; } = true;

    /// <summary>Each destination's part: sent, unchanged, waiting, conflicts, rejected, blocked, withheld, withdrawn, patients not permitted and backfilled.</summary>
    public IReadOnlyList<DestinationReport> Destinations { get; init; } = [];

    public bool Succeeded => RecordsRejected == 0 && ResourcesInvalid == 0 && Rejected == 0 && Problems.Count == 0;
}
