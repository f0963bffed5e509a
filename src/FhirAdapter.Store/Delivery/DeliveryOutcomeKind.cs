namespace FhirAdapter.Store.Delivery;

/// <summary>What one send attempt did for one resource.</summary>
public enum DeliveryOutcomeKind
{
    Sent,

    /// <summary>Transient failure: stays pending, attempts counted.</summary>
    RetryLater,

    Rejected,
}
