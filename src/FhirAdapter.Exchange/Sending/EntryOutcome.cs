namespace FhirAdapter.Exchange.Sending;

public enum EntryOutcome
{
    /// <summary>The destination stored it, and everything it references; server id and version are known.</summary>
    Sent,

    /// <summary>Not delivered for a reason that passes (5xx, timeout, dropped connection, open circuit, a refused endpoint,
    /// an entry it depends on that did not go): send again later.</summary>
    RetryLater,

    /// <summary>Someone else kept changing it (409/412) through every re-read and re-apply: send again later.</summary>
    Conflict,

    /// <summary>The destination refused its content (400, 403, 422); sending the same again will not help.</summary>
    Rejected,

    /// <summary>Not sent: it refers to an entry the destination rejected, so it waits until that one is fixed.</summary>
    Blocked,
}
