namespace Autobuilder.Testing;

/// <summary>
/// An uploader's OpenPGP key made by the real gpg in a GNUPGHOME of its own (ed25519, no
/// passphrase), with the armored public key and a way to clear-sign text as the uploader would.
/// Dispose stops the agent gpg started for it.
/// </summary>
public sealed class UploaderGpgKey : IDisposable
{
    private UploaderGpgKey(string home, string fingerprint, string armoredPublicKey)
    {
        Home = home;
        Fingerprint = fingerprint;
        ArmoredPublicKey = armoredPublicKey;
    }

    public string Home { get; }

    /// <summary>The primary key's fingerprint, 40 upper-case hex digits.</summary>
    public string Fingerprint { get; }

    public string ArmoredPublicKey { get; }

    /// <param name="expire">gpg's expiry word: "never", "1y", "2d", or an ISO date "20260101T000000".</param>
    public static UploaderGpgKey Create(string home, string userId, string expire = "never")
    {
        Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Gpg(home, "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", userId, "ed25519", "sign", expire);
        var listing = Gpg(home, "--with-colons", "--list-keys", userId).Stdout;
        var fingerprint = listing.Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        var armored = Gpg(home, "--armor", "--export", fingerprint).Stdout;
        return new UploaderGpgKey(home, fingerprint, armored);
    }

    /// <summary>Clear-signs <paramref name="text"/>; with <paramref name="fakeTime"/> the signature carries that time (gpg --faked-system-time).</summary>
    public string ClearSign(string text, DateTimeOffset? fakeTime = null)
    {
        var input = Path.Combine(Home, $"in-{Guid.NewGuid():N}.txt");
        var output = input + ".asc";
        File.WriteAllText(input, text);
        List<string> args = ["--pinentry-mode", "loopback", "--passphrase", "", "--local-user", Fingerprint, "--output", output];
        if (fakeTime is { } t)
            args.AddRange(["--ignore-time-conflict", "--faked-system-time", $"{t.ToUnixTimeSeconds()}!"]);
        args.AddRange(["--clearsign", input]);
        Gpg(Home, [.. args]);
        return File.ReadAllText(output);
    }

    /// <summary>Sets a new expiry of the primary key (what an owner does to extend it).</summary>
    public string SetExpiry(string expire)
    {
        Gpg(Home, "--pinentry-mode", "loopback", "--passphrase", "", "--quick-set-expire", Fingerprint, expire);
        return Gpg(Home, "--armor", "--export", Fingerprint).Stdout;
    }

    public void Dispose() => GpgAgents.Stop(Home);

    private static ToolResult Gpg(string home, params string[] args) =>
        Tool.Run("gpg", ["--homedir", home, "--batch", "--no-tty", .. args]).Ok();
}
