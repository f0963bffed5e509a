namespace FhirAdapter.Api.Auth;

/// <summary>What a request does with a resource type: read one by id (<c>r</c>) or search (<c>s</c>).</summary>
internal enum SmartPermission
{
    Read,
    Search,
}
