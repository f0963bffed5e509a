using System.ComponentModel.DataAnnotations;

namespace FhirAdapter.Core.Configuration;

/// <summary>An absolute http or https URL (no other scheme, unlike <see cref="UrlAttribute"/>); null or empty is left to <see cref="RequiredAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class HttpUrlAttribute : ValidationAttribute
{
    public HttpUrlAttribute()
        : base("{0} must be an absolute http(s) URL")
    {
    }

    /// <summary>Whether the URL may carry a query (a base URL may not).</summary>
    public bool AllowQuery { get; set; } = true;

    public override bool IsValid(object? value) =>
        value is not string text || string.IsNullOrWhiteSpace(text)
        || (Uri.TryCreate(text, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && (AllowQuery || string.IsNullOrEmpty(uri.Query)));
}
