namespace FhirAdapter.Store.Delivery;

/// <summary>Where one resource stands at one destination: the outcome of its last send (or of the decision not to send it).</summary>
public enum DeliveryStatus
{
    /// <summary>The destination holds this content (<see cref="DeliveryState.SentHash"/>); server id and version known.</summary>
    Sent,

    /// <summary>Not delivered for a reason that passes (5xx, timeout, open circuit, a refused endpoint, something it refers
    /// to not there yet): the patient stays pending and it goes at the next sync.</summary>
    RetryLater,

    /// <summary>Someone else kept changing it at the destination (409/412) through every re-read: pending for the next sync.</summary>
    Conflict,

    /// <summary>The destination refused its content; it is not sent again until it changes or is resent by hand.</summary>
    Rejected,

    /// <summary>Waits for a resource it refers to, which the destination rejected: it goes once that one is fixed.</summary>
    Blocked,

    /// <summary>Not sent because the patient's consent does not cover it (e.g. counseling notes) for this organization.</summary>
    Withheld,

    /// <summary>Taken back: the mapping no longer produces it, so it was marked entered-in-error (or deleted) there.</summary>
    Withdrawn,
}
