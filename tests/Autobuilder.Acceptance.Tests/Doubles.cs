namespace Autobuilder.Acceptance.Tests;

/// <summary>
/// Stand-in for the account directory behind the garage's checks (the real grain is tested end to
/// end in the silo tests): keys by fingerprint with the refusal the directory would give, rights as
/// (login, repository, product) triples. Records each question.
/// </summary>
internal sealed class FakeUploaderDirectory : IUploaderDirectory
{
    public Dictionary<string, SignerAnswer> Signers { get; } = new(StringComparer.OrdinalIgnoreCase);
    public HashSet<(string Login, string Repository, string Product)> Rights { get; } = [];
    public List<string> Asked { get; } = [];

    public Task<SignerAnswer> FindSignerAsync(string fingerprint, DateTimeOffset signedAt)
    {
        Asked.Add($"signer {fingerprint} at {signedAt:u}");
        return Task.FromResult(Signers.TryGetValue(fingerprint, out var s) ? s : new SignerAnswer(null, $"no account has key {fingerprint}"));
    }

    public Task<string?> RefuseUploadAsync(string account, string repository, string product, string source)
    {
        Asked.Add($"right {account} {repository}/{product} {source}");
        return Task.FromResult(Rights.Contains((account, repository, product)) ? null
            : $"account {account} may not upload to {repository}/{product}: an operator can grant it with `autobuilder accounts grant {account} {repository} {product}`");
    }
}

/// <summary>Stand-in for the upload registry: the newest accepted version per source, taken when a newer one is asked.</summary>
internal sealed class FakeAcceptedVersions : IAcceptedVersions
{
    public Dictionary<string, string> Accepted { get; } = [];

    public Task<string?> AcceptAsync(string source, string version)
    {
        if (Accepted.TryGetValue(source, out var held) && VersionRule.Compare(version, held) <= 0)
            return Task.FromResult<string?>($"version {version} of {source} is not newer than {held}, already accepted for bookworm; raise the version in debian/changelog");
        Accepted[source] = version;
        return Task.FromResult<string?>(null);
    }
}

/// <summary>What a distribution holds, as a table.</summary>
internal sealed class FakeHeldVersions : IHeldVersions
{
    public Dictionary<(string, string), string> Binaries { get; } = [];
    public Dictionary<string, string> Sources { get; } = [];

    public string? NewestBinary(string package, string architecture) => Binaries.GetValueOrDefault((package, architecture));

    public string? NewestSource(string source) => Sources.GetValueOrDefault(source);
}
