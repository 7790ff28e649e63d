using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Uploaders;

/// <summary>An uploader's secret key in a GNUPGHOME (made by <see cref="UploaderGpgKey"/> or by hand), signing as debsign does.</summary>
public sealed record TestSigner(string Home, string Fingerprint)
{
    public static TestSigner Of(UploaderGpgKey key) => new(key.Home, key.Fingerprint);

    /// <summary>Clear-signs <paramref name="text"/> with SHA-512; at <paramref name="at"/> (gpg --faked-system-time) when given.</summary>
    public string ClearSign(string text, DateTimeOffset? at = null)
    {
        var input = Path.Combine(Home, $"in-{Guid.NewGuid():N}.txt");
        File.WriteAllText(input, text);
        List<string> args = ["--homedir", Home, "--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", "",
            "--local-user", Fingerprint, "--digest-algo", "SHA512", "--output", input + ".asc"];
        if (at is { } t)
            args.AddRange(["--ignore-time-conflict", "--faked-system-time", $"{t.ToUnixTimeSeconds()}!"]);
        args.AddRange(["--clearsign", input]);
        Tool.Run("gpg", args).Ok();
        return File.ReadAllText(input + ".asc");
    }
}
