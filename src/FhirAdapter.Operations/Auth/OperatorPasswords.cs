using FhirAdapter.Store.Operations;
using Microsoft.AspNetCore.Identity;

namespace FhirAdapter.Operations.Auth;

/// <summary>
/// Operators' passwords, hashed by ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2 with HMAC-SHA512,
/// a random salt per password, the iteration count stored in the hash so that it can be raised later).
/// </summary>
public static class OperatorPasswords
{
    /// <summary>Shorter passwords are refused when an operator is added.</summary>
    public const int MinimumLength = 10;

    private static readonly PasswordHasher<OperatorAccount> Hasher = new();

    /// <summary>A well-formed hash of no one's password: checked against when the name is unknown, so both cases take as long.</summary>
    private static readonly Lazy<string> Decoy = new(() => Hasher.HashPassword(null!, Guid.NewGuid().ToString("N")));

    public static string Hash(string password) => Hasher.HashPassword(null!, password);

    public static bool Verify(OperatorAccount? account, string password)
    {
        var result = Hasher.VerifyHashedPassword(account!, account?.PasswordHash ?? Decoy.Value, password);
        return account is not null && result != PasswordVerificationResult.Failed;
    }

    /// <summary>Why a new password is refused, or null if it will do.</summary>
    public static string? Problem(string password) =>
        string.IsNullOrWhiteSpace(password) ? "The password is empty."
        : password.Length < MinimumLength ? $"The password must have at least {MinimumLength} characters."
        : null;
}
