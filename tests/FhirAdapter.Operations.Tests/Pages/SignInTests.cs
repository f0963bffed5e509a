using System.Net;
using FhirAdapter.Operations.Tests.Support;
using FhirAdapter.Store;

namespace FhirAdapter.Operations.Tests.Pages;

[Collection(ConsoleCollection.Name)]
public sealed class SignInTests(ConsoleFixture fixture)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/destinations")]
    [InlineData("/quarantine")]
    [InlineData("/about")]
    [InlineData("/syncs/1")]
    [InlineData("/patients")]
    [InlineData("/now/progress")]
    public async Task Without_sign_in_every_page_redirects_to_the_sign_in_page(string path)
    {
        using var client = fixture.NewClient();
        var page = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, page.Status);
        Assert.Equal("/signin", page.Location!.AbsolutePath);
        Assert.Contains("ReturnUrl=" + Uri.EscapeDataString(path), page.Location.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_in_opens_the_console_and_signing_out_closes_it()
    {
        using var client = fixture.NewClient();
        var answer = await client.SignInAsync(ConsoleFixture.Operator, ConsoleFixture.Password);
        Assert.Equal(HttpStatusCode.Redirect, answer.Status);

        var now = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, now.Status);
        Assert.Contains(ConsoleFixture.Operator, now.Document.QuerySelector(".who")!.TextContent, StringComparison.Ordinal);

        var signedOut = await client.SubmitAsync(now, ".who form");
        Assert.Equal("/signin", signedOut.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).Status);
    }

    [Fact]
    public async Task Repeated_failures_lock_the_operator_out_even_with_the_right_password()
    {
        using var client = fixture.NewClient();
        for (var i = 0; i < ConsoleFixture.MaxFailedSignIns; i++)
        {
            var wrong = await client.SignInAsync(ConsoleFixture.Lockable, "not the password");
            Assert.Equal(HttpStatusCode.OK, wrong.Status);
            Assert.Contains("The name or the password is wrong.", wrong.Document.QuerySelector("#signin-problem")!.TextContent, StringComparison.Ordinal);
        }

        var locked = await client.SignInAsync(ConsoleFixture.Lockable, ConsoleFixture.Password);
        Assert.Equal(HttpStatusCode.OK, locked.Status);
        Assert.Contains("locked out until", locked.Document.QuerySelector("#signin-problem")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).Status);

        var account = await fixture.Service<IOperatorStore>().FindOperatorAsync(ConsoleFixture.Lockable, CancellationToken.None);
        Assert.True(account!.LockedUntil > fixture.Time.GetUtcNow());
    }

    [Fact]
    public async Task An_unknown_name_gets_the_same_answer_as_a_wrong_password()
    {
        using var client = fixture.NewClient();
        var page = await client.SignInAsync("nobody-here", ConsoleFixture.Password);
        Assert.Equal("The name or the password is wrong.", page.Document.QuerySelector("#signin-problem")!.TextContent.Trim());
    }

    [Fact]
    public async Task A_post_without_its_anti_forgery_token_is_refused_and_does_nothing()
    {
        using var client = fixture.NewClient();
        await client.SignInAsync(ConsoleFixture.Operator, ConsoleFixture.Password);
        var before = fixture.Sync.Current.Generation;

        var answer = await client.PostAsync("/?handler=SyncNow", new Dictionary<string, string>());
        var retry = await client.PostAsync("/quarantine?handler=RetryAll", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(HttpStatusCode.BadRequest, retry.Status);
        Assert.Equal(before, fixture.Sync.Current.Generation);
    }

    [Fact]
    public async Task Session_and_anti_forgery_cookies_are_http_only_and_same_site_strict()
    {
        using var client = fixture.NewClient();
        var form = await client.GetAsync("/signin");
        var signedIn = await client.SubmitAsync(form, "form", new Dictionary<string, string> { ["name"] = ConsoleFixture.Operator, ["password"] = ConsoleFixture.Password });

        var antiforgery = Assert.Single(form.SetCookies, c => c.StartsWith("fhiradapter.antiforgery=", StringComparison.Ordinal));
        var session = Assert.Single(signedIn.SetCookies, c => c.StartsWith("fhiradapter.console=", StringComparison.Ordinal));
        foreach (var cookie in new[] { antiforgery, session })
        {
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase); // plain HTTP here: Secure only over HTTPS (SameAsRequest)
        }
    }
}
