namespace FhirAdapter.Store.Delivery;

/// <summary>What one send attempt did for one resource.</summary>
public enum DeliveryOutcomeKind
{
    Sent,

    /// <summary>Transient failure: stays pending, attempts counted.</summary>
    RetryLater,

    Rejected,

    /// <summary>
    /// Not sent because the consent does not cover it (e.g. counseling notes): cancelled, and queued again when the
    /// patient is next mapped, so a later consent can release it.
    /// </summary>
    Withheld,
}
