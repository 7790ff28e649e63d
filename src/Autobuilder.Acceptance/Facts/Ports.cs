namespace Autobuilder.Acceptance;

/// <summary>The account directory, as the garage's checks ask it (the silo answers from its grain; offline there is none).</summary>
public interface IUploaderDirectory
{
    /// <summary>The account whose current key <paramref name="fingerprint"/> is at <paramref name="signedAt"/>, or why none may sign.</summary>
    Task<SignerAnswer> FindSignerAsync(string fingerprint, DateTimeOffset signedAt);

    /// <summary>Null when <paramref name="account"/> may upload <paramref name="source"/> to the repository and product; else why not, in words (empty: refused without a reason of the directory's own).</summary>
    Task<string?> RefuseUploadAsync(string account, string repository, string product, string source);
}

/// <summary>The directory's answer about a signing key: the account's login, or the refusal in an uploader's words.</summary>
public sealed record SignerAnswer(string? Login, string? Refusal);

/// <summary>
/// The versions the garage has accepted per source (the upload registry). Asking takes the
/// version when it is newer, so it is asked last: a rejected upload must not use a version up.
/// </summary>
public interface IAcceptedVersions
{
    /// <summary>Null when <paramref name="version"/> is newer than every accepted version of <paramref name="source"/> (and is now taken); else why not, in words.</summary>
    Task<string?> AcceptAsync(string source, string version);
}

/// <summary>What a distribution holds (its package set), as the stage's version check asks it.</summary>
public interface IHeldVersions
{
    /// <summary>The newest version of binary <paramref name="package"/> for <paramref name="architecture"/>, or null.</summary>
    string? NewestBinary(string package, string architecture);

    /// <summary>The newest version of source <paramref name="source"/>, or null.</summary>
    string? NewestSource(string source);
}
