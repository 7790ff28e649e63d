using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Autobuilder.Grains;
using Autobuilder.Grains.Services;

namespace Autobuilder.Silo.Drop;

/// <summary>One uploader key as sshd will see it: its SHA256 fingerprint (sshd's %f) and its authorized_keys line.</summary>
public sealed record DropKeyLine(string Login, string Fingerprint, string Line)
{
    /// <summary>The key index's line: the fingerprint, a space, the authorized_keys line (ab-drop-keys prints what follows the space).</summary>
    public string IndexLine => $"{Fingerprint} {Line}";
}

/// <summary>What ab-drop-sftp lets one account's area hold, and one file in it grow to.</summary>
public sealed record DropLimits(long AreaBytes, long FileBytes);

/// <summary>
/// The authorized_keys lines of a directory snapshot: one per SSH key of every enabled account, each
/// <c>restrict,command="&lt;forced command&gt; &lt;root&gt; &lt;login&gt; &lt;area limit&gt; &lt;file limit&gt;" &lt;type&gt; &lt;base64&gt; &lt;login&gt;</c>
/// (sshd(8) AUTHORIZED_KEYS FILE FORMAT: restrict turns off forwarding, agent, X11, pty and ~/.ssh/rc;
/// command= is run whatever the client asked). Nothing the account sent reaches a line unchecked:
/// the login is checked against <see cref="AccountNames"/>, the key must decode to a blob of its stated
/// type, and the key's own comment is left out. The fingerprint is computed here from the blob, as
/// sshd computes %f, never taken from the record.
/// </summary>
public static partial class DropKeyLines
{
    // Key types OpenSSH 9 accepts for user authentication (certificates are not uploader keys).
    private static readonly HashSet<string> KeyTypes = new(StringComparer.Ordinal)
    {
        "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    };

    /// <summary>What may appear on a command= line unquoted: an absolute path of plain characters.</summary>
    [GeneratedRegex("^/[A-Za-z0-9._/-]*$")]
    private static partial Regex PlainPath();

    /// <summary>
    /// The lines, sorted by byte value of <see cref="DropKeyLine.IndexLine"/> (what look(1) bisects),
    /// and the keys left out with why. A key found in two enabled accounts is left out of both: sshd
    /// would take the first line, and the upload would land in an area chosen by sort order.
    /// </summary>
    /// <param name="limits">The byte limits ab-drop-sftp enforces for each area and file (both positive).</param>
    public static (IReadOnlyList<DropKeyLine> Lines, IReadOnlyList<string> Skipped) From(
        AccountSnapshot snapshot, string forcedCommand, string root, DropLimits limits)
    {
        RequirePlainPath(forcedCommand, "the forced command");
        RequirePlainPath(root, "the drop root");
        if (limits.AreaBytes <= 0 || limits.FileBytes <= 0)
            throw new ArgumentException($"the drop's limits must be positive (area {limits.AreaBytes}, file {limits.FileBytes} bytes)");
        var skipped = new List<string>();
        var byFingerprint = new Dictionary<string, List<DropKeyLine>>(StringComparer.Ordinal);
        foreach (var account in snapshot.Accounts)
        {
            if (!account.Enabled)
                continue;
            if (!AccountNames.IsValidLogin(account.Login))
            {
                skipped.Add($"account '{account.Login}': not a valid login, its keys are left out");
                continue;
            }
            foreach (var key in account.SshKeys)
            {
                if (Fingerprint(key.Type, key.Base64Key) is not { } fingerprint)
                {
                    skipped.Add($"account {account.Login}: key {key.Fingerprint} is not a valid {key.Type} public key, left out");
                    continue;
                }
                var line = new DropKeyLine(account.Login, fingerprint,
                    $"restrict,command=\"{forcedCommand} {root} {account.Login} {limits.AreaBytes} {limits.FileBytes}\" {key.Type} {key.Base64Key} {account.Login}");
                if (!byFingerprint.TryGetValue(fingerprint, out var list))
                    byFingerprint[fingerprint] = list = [];
                if (!list.Any(l => l.Login == account.Login))
                    list.Add(line);
            }
        }
        var lines = new List<DropKeyLine>(byFingerprint.Count);
        foreach (var (fingerprint, list) in byFingerprint)
        {
            if (list.Count == 1)
                lines.Add(list[0]);
            else
                skipped.Add($"key {fingerprint} belongs to accounts {string.Join(", ", list.Select(l => l.Login))}: left out of all of them until only one has it");
        }
        lines.Sort((a, b) => string.CompareOrdinal(a.IndexLine, b.IndexLine));
        return (lines, skipped);
    }

    /// <summary>
    /// "SHA256:" and the unpadded base64 of the SHA-256 of the key blob (ssh-keygen -l -E sha256),
    /// or null when <paramref name="base64"/> is not a key of type <paramref name="type"/> (RFC 4253
    /// §6.6: the blob starts with the type as an SSH string).
    /// </summary>
    public static string? Fingerprint(string type, string base64)
    {
        if (!KeyTypes.Contains(type))
            return null;
        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
        if (blob.Length < 4 + type.Length || Convert.ToBase64String(blob) != base64)
            return null;
        var length = BinaryPrimitives.ReadUInt32BigEndian(blob);
        if (length != type.Length || Encoding.ASCII.GetString(blob, 4, type.Length) != type)
            return null;
        return "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');
    }

    private static void RequirePlainPath(string path, string what)
    {
        if (!PlainPath().IsMatch(path) || path.Contains("..", StringComparison.Ordinal))
            throw new ArgumentException($"{what} '{path}' must be an absolute path of letters, digits, '.', '_', '-' and '/' (it is written into authorized_keys command lines)");
    }
}
