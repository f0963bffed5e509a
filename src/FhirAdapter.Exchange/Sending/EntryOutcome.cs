namespace FhirAdapter.Exchange.Sending;

public enum EntryOutcome
{
    /// <summary>The destination stored it; server id and version are known.</summary>
    Sent,

    /// <summary>Not delivered for a transient reason (5xx, timeout, dropped connection, open circuit): send again later.</summary>
    RetryLater,

    /// <summary>The destination refused it (4xx); sending the same again will not help.</summary>
    Rejected,
}
