namespace FhirAdapter.Worker.Delivery;

/// <summary>What one sync did at one destination, in resources (and patients where it says so).</summary>
/// <param name="Destination">The destination's configured name.</param>
public sealed record DestinationReport(string Destination)
{
    /// <summary>Written and accepted (withdrawals not included).</summary>
    public int Sent { get; init; }

    /// <summary>Held by the destination as they would be sent now: not sent again.</summary>
    public int Unchanged { get; init; }

    /// <summary>Not delivered for a reason that passes; sent again at the next sync.</summary>
    public int WaitingForRetry { get; init; }

    /// <summary>Still conflicting (409/412) after every re-read; sent again at the next sync.</summary>
    public int Conflicts { get; init; }

    /// <summary>Refused by the destination for their content (reasons in <see cref="Rejections"/>).</summary>
    public int Rejected { get; init; }

    /// <summary>Waiting for a resource they refer to, which the destination rejected.</summary>
    public int Blocked { get; init; }

    /// <summary>Not covered by the patient's consent for this organization: left out of a Bundle, or work cancelled at the door.</summary>
    public int Withheld { get; init; }

    /// <summary>Taken back (entered-in-error or deleted) because the mapping no longer produces them.</summary>
    public int Withdrawn { get; init; }

    /// <summary>Patients whose consent does not permit this destination, found so in this sync (mapping them, or at the door).</summary>
    public int NotPermitted { get; init; }

    /// <summary>Patients queued because the destination is new to the store (or its address or organization changed).</summary>
    public int Backfilled { get; init; }

    /// <summary>What was rejected and why: resource type and identifier value (never an MRN), and the server's reason.</summary>
    public IReadOnlyList<string> Rejections { get; init; } = [];

    public DestinationReport Add(DestinationReport other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return this with
        {
            Sent = Sent + other.Sent,
            Unchanged = Unchanged + other.Unchanged,
            WaitingForRetry = WaitingForRetry + other.WaitingForRetry,
            Conflicts = Conflicts + other.Conflicts,
            Rejected = Rejected + other.Rejected,
            Blocked = Blocked + other.Blocked,
            Withheld = Withheld + other.Withheld,
            Withdrawn = Withdrawn + other.Withdrawn,
            NotPermitted = NotPermitted + other.NotPermitted,
            Backfilled = Backfilled + other.Backfilled,
            Rejections = [.. Rejections, .. other.Rejections],
        };
    }
}
