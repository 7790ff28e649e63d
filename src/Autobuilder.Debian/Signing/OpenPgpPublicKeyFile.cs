using System.Globalization;
using System.Text;

namespace Autobuilder.Debian.Signing;

/// <summary>What gpg says about one OpenPGP public key: its primary fingerprint, user ids, expiry and revocation, and the key as binary packets.</summary>
public sealed record OpenPgpKeyFacts(string Fingerprint, IReadOnlyList<string> UserIds, DateTimeOffset? Expires, bool Revoked, byte[] Packets);

/// <summary>
/// Reads an OpenPGP public key (armored or binary) with gpg, in a throwaway GNUPGHOME so that no
/// keyring of the machine is read or changed. <c>--show-keys --with-colons</c> (gnupg doc/DETAILS)
/// gives the facts; an import and export gives the key as clean binary packets, the form a keyring
/// for gpgv is a concatenation of. Refuses a secret key, several keys, or no key, with the reason.
/// </summary>
public static class OpenPgpPublicKeyFile
{
    /// <summary>Keys bigger than this are refused unread (a key with many signatures is a few hundred KiB).</summary>
    public const int MaximumBytes = 1024 * 1024;

    public static OpenPgpKeyFacts Read(ReadOnlyMemory<byte> key, string executable = "gpg")
    {
        if (key.Length == 0)
            throw new ArgumentException("the OpenPGP key is empty: give the output of 'gpg --export --armor FINGERPRINT'");
        if (key.Length > MaximumBytes)
            throw new ArgumentException($"the OpenPGP key is {key.Length} bytes; at most {MaximumBytes} are taken (export it with --export-options export-minimal)");
        var home = Path.Combine(Path.GetTempPath(), $"ab-openpgp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            string[] common = ["--homedir", home, "--batch", "--no-tty", "--no-auto-check-trustdb", "--no-autostart"];
            var show = GpgProcess.Run(executable, [.. common, "--with-colons", "--fixed-list-mode", "--show-keys"], key, TimeSpan.FromMinutes(1));
            var facts = ParseColons(Encoding.UTF8.GetString(show.Stdout));
            if (show.ExitCode != 0 && facts.Count == 0)
                throw new ArgumentException($"gpg found no OpenPGP key in it: {FirstLine(show.Stderr)}");
            if (facts.Any(f => f.Secret))
                throw new ArgumentException("this is a secret key: give only the public key ('gpg --export --armor FINGERPRINT'), and keep the secret one to yourself");
            if (facts.Count == 0)
                throw new ArgumentException("gpg found no OpenPGP public key in it");
            if (facts.Count > 1)
                throw new ArgumentException($"give one key at a time: this holds {facts.Count} ({string.Join(", ", facts.Select(f => f.Fingerprint))})");
            var one = facts[0];

            var import = GpgProcess.Run(executable, [.. common, "--import-options", "import-minimal", "--import"], key, TimeSpan.FromMinutes(1));
            if (import.ExitCode != 0)
                throw new ArgumentException($"gpg could not read key {one.Fingerprint}: {FirstLine(import.Stderr)}");
            var export = GpgProcess.Run(executable, [.. common, "--export", one.Fingerprint], stdin: null, TimeSpan.FromMinutes(1));
            if (export.ExitCode != 0 || export.Stdout.Length == 0)
                throw new ArgumentException($"gpg could not export key {one.Fingerprint}: {FirstLine(export.Stderr)}");
            return new OpenPgpKeyFacts(one.Fingerprint, one.UserIds, one.Expires, one.Revoked, export.Stdout);
        }
        finally
        {
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
                // A socket an agent left behind: a temp folder, not worth failing the key for.
            }
        }
    }

    private sealed record Listed(string Fingerprint, List<string> UserIds, DateTimeOffset? Expires, bool Revoked, bool Secret);

    /// <summary>pub/sec, then its fpr, then uid records, until the next pub/sec (gnupg doc/DETAILS "Format of the colon listings").</summary>
    private static List<Listed> ParseColons(string text)
    {
        var keys = new List<Listed>();
        string? fingerprint = null;
        var userIds = new List<string>();
        DateTimeOffset? expires = null;
        var revoked = false;
        var secret = false;
        var inPrimary = false;
        void Flush()
        {
            if (fingerprint is not null)
                keys.Add(new Listed(fingerprint, userIds, expires, revoked, secret));
            fingerprint = null;
            userIds = [];
            expires = null;
            revoked = false;
            secret = false;
        }
        foreach (var line in text.Split('\n'))
        {
            var f = line.TrimEnd('\r').Split(':');
            switch (f[0])
            {
                case "pub" or "sec":
                    Flush();
                    secret = f[0] == "sec";
                    revoked = f.Length > 1 && f[1] == "r";
                    expires = f.Length > 6 && long.TryParse(f[6], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
                        ? DateTimeOffset.FromUnixTimeSeconds(epoch) : null;
                    inPrimary = true;
                    break;
                case "fpr" when inPrimary && f.Length > 9:
                    fingerprint = f[9].ToUpperInvariant();
                    inPrimary = false;
                    break;
                case "sub" or "ssb":
                    inPrimary = false;
                    break;
                case "uid" when f.Length > 9 && fingerprint is not null:
                    userIds.Add(Unescape(f[9]));
                    break;
            }
        }
        Flush();
        return keys;
    }

    private static string FirstLine(string s) =>
        s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "no message";

    // --with-colons escapes ':' and control characters in user ids as \xHH.
    private static string Unescape(string s) =>
        s.Contains("\\x", StringComparison.Ordinal)
            ? System.Text.RegularExpressions.Regex.Replace(s, @"\\x([0-9a-fA-F]{2})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString())
            : s;
}
