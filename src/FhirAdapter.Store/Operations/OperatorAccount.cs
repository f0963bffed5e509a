namespace FhirAdapter.Store.Operations;

/// <summary>A person who may sign in to the console.</summary>
/// <param name="PasswordHash">In ASP.NET Core Identity's <c>PasswordHasher</c> format (PBKDF2, salted); never the password.</param>
/// <param name="FailedSignIns">Consecutive failed sign-ins since the last success or the last lockout.</param>
/// <param name="LockedUntil">Sign-in refused until then, even with the right password.</param>
public sealed record OperatorAccount(
    string Name,
    OperatorRole Role,
    string PasswordHash,
    int FailedSignIns,
    DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSignInAt);
