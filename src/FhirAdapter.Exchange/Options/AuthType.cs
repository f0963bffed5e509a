namespace FhirAdapter.Exchange.Options;

public enum AuthType
{
    None,
    Bearer,
    SmartBackend,
}
