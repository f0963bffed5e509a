using FhirAdapter.Operations.Tests.Support;
using FhirAdapter.Store;
using FhirAdapter.Store.Operations;
using Microsoft.AspNetCore.Identity;

namespace FhirAdapter.Operations.Tests.Auth;

/// <summary><c>operators add | list | remove</c> on the service's store, the password given on standard input.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class OperatorsCommandTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task An_added_operator_is_stored_with_a_PBKDF2_hash_listed_and_removed()
    {
        var (added, addOutput) = await fixture.CliAsync("a long enough password", "operators", "add", "temp.admin", "--role", "privacy", "--password-stdin");
        Assert.True(added == 0, addOutput);

        var account = await fixture.Service<IOperatorStore>().FindOperatorAsync("temp.admin", CancellationToken.None);
        Assert.Equal(OperatorRole.Privacy, account!.Role);
        Assert.DoesNotContain("a long enough password", account.PasswordHash, StringComparison.Ordinal);
        Assert.Equal(0x01, Convert.FromBase64String(account.PasswordHash)[0]); // Identity's v3 format: PBKDF2 with a salt
        Assert.Equal(PasswordVerificationResult.Success, new PasswordHasher<OperatorAccount>().VerifyHashedPassword(account, account.PasswordHash, "a long enough password"));

        var (listed, list) = await fixture.CliAsync(null, "operators", "list");
        Assert.Equal(0, listed);
        Assert.Contains(list.Split('\n'), l => l.Contains("temp.admin", StringComparison.Ordinal) && l.Contains("privacy", StringComparison.Ordinal));

        var (again, againOutput) = await fixture.CliAsync("another long password", "operators", "add", "temp.admin", "--role", "operator", "--password-stdin");
        Assert.Equal(1, again);
        Assert.Contains("exists already", againOutput, StringComparison.Ordinal);

        Assert.Equal(0, (await fixture.CliAsync(null, "operators", "remove", "temp.admin")).Code);
        Assert.Null(await fixture.Service<IOperatorStore>().FindOperatorAsync("temp.admin", CancellationToken.None));
        Assert.Equal(1, (await fixture.CliAsync(null, "operators", "remove", "temp.admin")).Code);
    }

    [Theory]
    [InlineData("short", "at least 10 characters")]
    [InlineData("", "No password given.")]
    public async Task A_weak_or_missing_password_is_refused(string input, string message)
    {
        var (code, output) = await fixture.CliAsync(input.Length == 0 ? null : input, "operators", "add", "weak", "--role", "operator", "--password-stdin");
        Assert.Equal(2, code);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.Null(await fixture.Service<IOperatorStore>().FindOperatorAsync("weak", CancellationToken.None));
    }
}
