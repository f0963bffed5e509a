namespace FhirAdapter.Exchange.Http;

/// <summary>Per-request facts the handlers read.</summary>
internal static class RequestMarks
{
    /// <summary>Set by the sender: true when repeating the request cannot write anything twice.</summary>
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("FhirAdapter.Exchange.Idempotent");

    public static bool IsIdempotent(HttpRequestMessage? request)
    {
        if (request is null)
        {
            return false;
        }

        if (request.Options.TryGetValue(Idempotent, out var marked))
        {
            return marked;
        }

        // Unmarked requests fall back to HTTP's own semantics; a bare POST is never repeated.
        return request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Put
            || request.Method == HttpMethod.Delete || request.Method == HttpMethod.Options;
    }
}
