using FhirAdapter.Operations.About;

namespace FhirAdapter.Operations.Tests.About;

public sealed class ConfigurationViewTests
{
    [Theory]
    [InlineData("Adapter:Mapping:PatientKeySecret", "s3cret-value")]
    [InlineData("Adapter:Destinations:0:Auth:Token", "eyJhbGciOi")]
    [InlineData("Adapter:Api:Clients:0:Jwks", "{\"keys\":[]}")]
    [InlineData("Adapter:Destinations:0:Auth:ClientSecret", "x")]
    public void Secrets_are_masked(string key, string value) => Assert.Equal(ConfigurationView.Masked, ConfigurationView.Mask(key, value));

    [Theory]
    [InlineData("Adapter:Destinations:0:Auth:PrivateKeyPath", "/etc/fhiradapter/pbpca.pem")]
    [InlineData("Adapter:Api:AccessTokenLifetime", "00:05:00")]
    [InlineData("Adapter:Inbox", "samples/inbox")]
    public void Other_settings_show_as_they_are(string key, string value) => Assert.Equal(value, ConfigurationView.Mask(key, value));

    [Fact]
    public void A_connection_string_keeps_its_host_and_database_but_not_its_password()
    {
        var shown = ConfigurationView.Mask("Adapter:Store:ConnectionString", "Host=db;Database=fhiradapter;Username=adapter;Password=hunter2;Pooling=true");
        Assert.DoesNotContain("hunter2", shown, StringComparison.Ordinal);
        Assert.Contains("Host=db;Database=fhiradapter;Username=adapter;", shown, StringComparison.Ordinal);
        Assert.Contains("Pooling=true", shown, StringComparison.Ordinal);
    }
}
