namespace FhirAdapter.Operations.About;

/// <summary>
/// One options object the About page shows as it is in force (defaults included), under its configuration path. The
/// console registers those it knows; the host adds its own (the worker's, the API's).
/// </summary>
/// <param name="Path">The configuration path of the object's properties, e.g. <c>Adapter:Store</c>.</param>
public sealed record SettingsSection(string Path, Func<IServiceProvider, object?> Read);
