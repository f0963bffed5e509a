using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace FhirAdapter.Operations.Tests.Support;

/// <summary>
/// A browser-less client of the console: its own cookies, redirects not followed (so that tests see them), pages
/// parsed with AngleSharp, forms posted with the anti-forgery token the page carries.
/// </summary>
public sealed class ConsoleClient : IDisposable
{
    private static readonly HtmlParser Parser = new();
    private readonly HttpClient _http;

    public ConsoleClient(Uri baseAddress)
    {
        _http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true })
        {
            BaseAddress = baseAddress,
        };
    }

    public sealed record Page(HttpStatusCode Status, IHtmlDocument Document, string Text, Uri? Location, string Body, IReadOnlyList<string> SetCookies, string Path);

    public async Task<Page> GetAsync(string path, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        configure?.Invoke(request);
        using var response = await _http.SendAsync(request);
        return await ReadAsync(response);
    }

    public async Task<HttpResponseMessage> RawGetAsync(string path) => await _http.GetAsync(new Uri(path.TrimStart('/'), UriKind.Relative));

    /// <summary>Posts the form found by <paramref name="formSelector"/> on <paramref name="page"/>, its hidden fields (the token) and <paramref name="fields"/>.</summary>
    public async Task<Page> SubmitAsync(Page page, string formSelector, IReadOnlyDictionary<string, string>? fields = null)
    {
        var form = page.Document.QuerySelector(formSelector) as IHtmlFormElement ?? throw new InvalidOperationException($"No form {formSelector} on the page");
        var values = form.QuerySelectorAll("input[type=hidden]").OfType<IHtmlInputElement>().ToDictionary(i => i.Name!, i => i.Value);
        foreach (var (k, v) in fields ?? new Dictionary<string, string>())
        {
            values[k] = v;
        }

        var action = form.GetAttribute("action") is { Length: > 0 } a ? a : page.Path;
        return await PostAsync(action, values);
    }

    public async Task<Page> PostAsync(string path, IReadOnlyDictionary<string, string> values)
    {
        using var content = new FormUrlEncodedContent(values);
        using var response = await _http.PostAsync(new Uri(path.TrimStart('/'), UriKind.Relative), content);
        return await ReadAsync(response);
    }

    /// <summary>Signs in through the sign-in form; returns the answer to the form (a redirect on success).</summary>
    public async Task<Page> SignInAsync(string name, string password)
    {
        var form = await GetAsync("/signin");
        return await SubmitAsync(form, "form", new Dictionary<string, string> { ["name"] = name, ["password"] = password });
    }

    private static async Task<Page> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        var document = await Parser.ParseDocumentAsync(body);
        var location = response.Headers.Location;
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var set) ? set.ToList() : [];
        return new Page(response.StatusCode, document, document.Body?.TextContent ?? "", location, body, cookies, response.RequestMessage!.RequestUri!.PathAndQuery);
    }

    public void Dispose() => _http.Dispose();
}
