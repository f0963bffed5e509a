namespace FhirAdapter.Exchange.Http;

/// <summary>Names of the IHttpClientFactory clients: one per destination, so each has its own pipeline and circuit.</summary>
internal static class ExchangeHttpClients
{
    public const string TokenClient = "FhirAdapter.Exchange.Token";

    public static string ForDestination(string destination) => "FhirAdapter.Exchange:" + destination;
}
