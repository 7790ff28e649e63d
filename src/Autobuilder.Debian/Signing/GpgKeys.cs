namespace Autobuilder.Debian.Signing;

/// <summary>
/// The archive signing keys of an installation that has none configured: made with gpg in a
/// GNUPGHOME of the installation's own (never the user's), found again by their user id, and
/// exported as the binary keyring apt's signed-by and gpgv read.
/// </summary>
public static class GpgKeys
{
    /// <summary>
    /// The fingerprint of the secret key with exactly <paramref name="userId"/> in
    /// <paramref name="gnupgHome"/>; an ed25519 signing key without expiry or passphrase is made
    /// first when there is none. Ed25519: small signatures, fast, and accepted by apt since 1.1.
    /// </summary>
    public static string FindOrCreate(string gnupgHome, string userId, string executable = "gpg")
    {
        var home = Path.GetFullPath(gnupgHome);
        // gpg refuses to work in (or warns about) a home others can read.
        Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (Find(home, userId, executable) is { } existing)
            return existing;
        var run = GpgProcess.Run(executable,
            ["--homedir", home, "--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", userId, "ed25519", "sign", "never"],
            stdin: null, TimeSpan.FromMinutes(1));
        if (run.ExitCode != 0)
            throw new SigningException($"gpg could not create a signing key for '{userId}' in {home} (exit {run.ExitCode}): {run.Stderr.Trim()}");
        return Find(home, userId, executable)
            ?? throw new SigningException($"gpg made a key for '{userId}' in {home} but does not list it");
    }

    /// <summary>The fingerprint of the secret key whose user id is exactly <paramref name="userId"/>, or null.</summary>
    public static string? Find(string gnupgHome, string userId, string executable = "gpg")
    {
        var run = GpgProcess.Run(executable, ["--homedir", Path.GetFullPath(gnupgHome), "--batch", "--no-tty", "--with-colons", "--list-secret-keys"],
            stdin: null, TimeSpan.FromMinutes(1));
        // No secret keys at all is exit 2 with nothing listed, not an error worth stopping for.
        string? fingerprint = null;
        string? found = null;
        foreach (var line in run.Stdout.Length == 0 ? [] : System.Text.Encoding.UTF8.GetString(run.Stdout).Split('\n'))
        {
            var f = line.Split(':');
            if (f[0] == "sec")
                fingerprint = null;
            else if (f[0] == "fpr" && fingerprint is null && f.Length > 9)
                fingerprint = f[9];
            else if (f[0] == "uid" && f.Length > 9 && fingerprint is not null && Unescape(f[9]) == userId)
                found ??= fingerprint;
        }
        return found;
    }

    /// <summary>Writes the public key as a binary keyring to <paramref name="path"/> (replaced atomically).</summary>
    public static void ExportPublic(string gnupgHome, string fingerprint, string path, string executable = "gpg")
    {
        var run = GpgProcess.Run(executable, ["--homedir", Path.GetFullPath(gnupgHome), "--batch", "--no-tty", "--export", fingerprint],
            stdin: null, TimeSpan.FromMinutes(1));
        if (run.ExitCode != 0 || run.Stdout.Length == 0)
            throw new SigningException($"gpg could not export key {fingerprint} (exit {run.ExitCode}): {run.Stderr.Trim()}");
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temp, run.Stdout);
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>
    /// The secret key (and its public part) as gpg exports it, binary; protected by its passphrase
    /// as it is in the keybox, when it has one. Null when gpg cannot export it — for example a key
    /// on a smartcard, of which the keybox holds only a stub — so the caller keeps signing through gpg.
    /// </summary>
    public static byte[]? ExportSecret(string gnupgHome, string fingerprint, string? passphraseFile, string executable = "gpg")
    {
        var args = new List<string> { "--homedir", Path.GetFullPath(gnupgHome), "--batch", "--no-tty", "--pinentry-mode", "loopback" };
        if (passphraseFile is not null)
            args.AddRange(["--passphrase-file", Path.GetFullPath(passphraseFile)]);
        else
            args.AddRange(["--passphrase", ""]);
        args.AddRange(["--export-secret-keys", fingerprint]);
        var run = GpgProcess.Run(executable, args, stdin: null, TimeSpan.FromMinutes(1));
        return run.ExitCode == 0 && run.Stdout.Length > 0 ? run.Stdout : null;
    }

    // --with-colons escapes ':' and control characters in user ids as \xHH.
    private static string Unescape(string s) =>
        s.Contains("\\x", StringComparison.Ordinal)
            ? System.Text.RegularExpressions.Regex.Replace(s, @"\\x([0-9a-fA-F]{2})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString())
            : s;
}
