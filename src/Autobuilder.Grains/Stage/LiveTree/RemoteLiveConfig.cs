using Autobuilder.Grains.Options;

namespace Autobuilder.Grains.Stage.LiveTree;

/// <summary>
/// A repository's remote live tree, checked once at start: every value here ends up in an ssh
/// configuration file, an rsync argument or a strictly quoted remote command, so anything that
/// could be read as something else there is refused with the setting's name.
/// </summary>
/// <param name="HostKeyType">With <paramref name="HostKeyBlob"/>: the pinned key when configured as a key; null when only its fingerprint is.</param>
public sealed record RemoteLiveConfig(
    string Host,
    int Port,
    string User,
    string KeyFile,
    string? HostKeySha256,
    string? HostKeyType,
    string? HostKeyBlob,
    string Path,
    TimeSpan Timeout,
    TimeSpan Retry)
{
    public override string ToString() => $"{User}@{Host}:{Port}:{Path}";

    public static RemoteLiveConfig From(RemoteLiveOptions o, string repository)
    {
        var where = $"repository {repository}: LiveRemote";
        static bool Plain(string s, Func<char, bool> allowed) => s.Length > 0 && s[0] != '-' && s.All(allowed);
        if (!Plain(o.Host, c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or ':'))
            throw new ArgumentException($"{where}.Host '{o.Host}' is not a host name or address");
        if (!Plain(o.User, c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            throw new ArgumentException($"{where}.User '{o.User}' is not a user name");
        if (o.Port is < 1 or > 65535)
            throw new ArgumentException($"{where}.Port {o.Port} is not a TCP port");
        // ssh reads '%' in IdentityFile as a token and quotes as syntax of its configuration file.
        if (o.KeyFile.Length == 0 || o.KeyFile.Any(c => char.IsControl(c) || c is '"' or '\'' or '%'))
            throw new ArgumentException($"{where}.KeyFile must name the private key file (without quotes, '%' or control characters)");
        var path = o.Path.TrimEnd('/');
        // rsync expands wildcards in remote paths even with --secluded-args; the remote shell sees only quoted words.
        if (!o.Path.StartsWith('/') || path.Length == 0 || path.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '*' or '?' or '[' or ']' or '\\')
            || path.Split('/').Any(p => p is "." or ".."))
            throw new ArgumentException($"{where}.Path '{o.Path}' must be an absolute path other than / without spaces, wildcards, '.' or '..'");

        string? sha = null, type = null, blob = null;
        var hasKey = !string.IsNullOrWhiteSpace(o.HostKey);
        var hasSha = !string.IsNullOrWhiteSpace(o.HostKeySha256);
        if (hasKey == hasSha)
            throw new ArgumentException($"{where}: pin the host key with exactly one of HostKey (a known_hosts or .pub line) or HostKeySha256 (SHA256:…)");
        if (hasSha)
        {
            sha = HostKeyFingerprint.Normalize(o.HostKeySha256)
                ?? throw new ArgumentException($"{where}.HostKeySha256 '{o.HostKeySha256}' is not a SHA-256 fingerprint (SHA256:… as 'ssh-keygen -lf KEY.pub -E sha256' prints it)");
        }
        else
        {
            (type, blob) = ParseKey(o.HostKey!)
                ?? throw new ArgumentException($"{where}.HostKey is neither a known_hosts line nor a public key line (\"ssh-ed25519 AAAA…\")");
        }
        return new RemoteLiveConfig(o.Host, o.Port, o.User, System.IO.Path.GetFullPath(o.KeyFile), sha, type, blob, path,
            TimeSpan.FromSeconds(Math.Max(1, o.TimeoutSeconds)), TimeSpan.FromSeconds(Math.Max(1, o.RetrySeconds)));
    }

    /// <summary>The key type and base64 blob of a known_hosts line ("hosts type blob [comment]") or a .pub line ("type blob [comment]").</summary>
    public static (string Type, string Blob)? ParseKey(string line)
    {
        var words = line.Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        // Markers (@cert-authority, @revoked) change what a line means; a pin is one plain key.
        if (words.Length < 2 || words[0].StartsWith('@'))
            return null;
        for (var i = 0; i < Math.Min(2, words.Length - 1); i++)
        {
            var type = words[i];
            if (!(type.StartsWith("ssh-", StringComparison.Ordinal) || type.StartsWith("ecdsa-", StringComparison.Ordinal)
                  || type.StartsWith("sk-", StringComparison.Ordinal)) || !type.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '@' or '.'))
                continue;
            var blob = words[i + 1];
            try
            {
                if (Convert.FromBase64String(blob).Length > 0)
                    return (type, blob);
            }
            catch (FormatException)
            {
            }
        }
        return null;
    }
}
