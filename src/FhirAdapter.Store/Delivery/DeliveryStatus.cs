namespace FhirAdapter.Store.Delivery;

/// <summary>Where one resource version stands at one destination.</summary>
public enum DeliveryStatus
{
    /// <summary>To send (new, changed, or a transient failure to retry).</summary>
    Pending,

    /// <summary>The destination stored this version; server id and version known.</summary>
    Sent,

    /// <summary>The destination refused this version; sending it again will not help.</summary>
    Rejected,

    /// <summary>No longer to send: consent revoked, resource invalid or no longer mapped.</summary>
    Cancelled,
}
