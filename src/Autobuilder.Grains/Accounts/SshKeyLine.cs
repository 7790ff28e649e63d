using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Autobuilder.Grains.Accounts;

/// <summary>
/// One SSH public key as an uploader hands it in: "TYPE BASE64 [COMMENT]", the format of
/// <c>id_ed25519.pub</c> and of an authorized_keys line without options (sshd(8) "AUTHORIZED_KEYS
/// FILE FORMAT"). Options ("restrict", "command=…", "from=…") are refused: the drop writes its own
/// and no uploader may bring theirs. The blob is read as RFC 4253 §6.6 / RFC 5656 / RFC 8709 say,
/// so a key whose type word and blob disagree, or a truncated blob, is refused here rather than by
/// sshd at login.
/// </summary>
public sealed record SshKeyLine(string Type, string Base64Key, string Comment, string Fingerprint, int Bits)
{
    /// <summary>Types sshd of OpenSSH 9 accepts by default; ssh-dss is gone from it.</summary>
    public static readonly IReadOnlyList<string> Types =
    [
        "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ];

    /// <summary>RSA keys shorter than this are refused (OpenSSH's own floor is 1024; NIST's is 2048).</summary>
    public const int MinimumRsaBits = 2048;

    // A line longer than this is no public key (an RSA 16384 key is about 2,800 characters).
    private const int MaximumLine = 16 * 1024;

    /// <summary>The authorized_keys form without options: "TYPE BASE64 COMMENT".</summary>
    public string Line => Comment.Length == 0 ? $"{Type} {Base64Key}" : $"{Type} {Base64Key} {Comment}";

    /// <summary>The key, or an <see cref="ArgumentException"/> saying what is wrong with the line.</summary>
    public static SshKeyLine Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var text = line.Trim();
        if (text.Length == 0)
            throw new ArgumentException("the SSH key is empty: give one line of a .pub file (\"ssh-ed25519 AAAA… comment\")");
        if (text.Length > MaximumLine)
            throw new ArgumentException($"the SSH key line is {text.Length} characters long; a public key is at most {MaximumLine}");
        if (text.Contains('\n') || text.Contains('\r'))
            throw new ArgumentException("give one SSH key per call: the text has more than one line");
        if (text.Any(char.IsControl))
            throw new ArgumentException("the SSH key line contains control characters");
        var words = text.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
        var type = words[0];
        if (!Types.Contains(type))
        {
            if (type == "ssh-dss")
                throw new ArgumentException("DSA (ssh-dss) keys are refused: OpenSSH 9 no longer accepts them; make an ed25519 key with ssh-keygen -t ed25519");
            if (LooksLikeOptions(type))
                throw new ArgumentException($"authorized_keys options ('{Shorten(type)}') are refused: give the key alone (\"TYPE BASE64 [COMMENT]\"); the drop adds its own restrictions");
            throw new ArgumentException($"'{Shorten(type)}' is not an SSH key type this autobuilder accepts ({string.Join(", ", Types)})");
        }
        if (words.Length < 2)
            throw new ArgumentException($"the SSH key has a type ({type}) but no key after it");
        var base64 = words[1];
        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new ArgumentException($"the {type} key is not valid base64");
        }
        var comment = words.Length > 2 ? words[2].Trim() : "";
        var bits = ReadBlob(type, blob);
        return new SshKeyLine(type, Convert.ToBase64String(blob), comment, FingerprintOf(blob), bits);
    }

    /// <summary>"SHA256:" and the unpadded base64 of the blob's SHA-256, as <c>ssh-keygen -l</c> and sshd's %f print it.</summary>
    public static string FingerprintOf(ReadOnlySpan<byte> blob) => "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');

    public SshPublicKey ToKey(DateTimeOffset addedAt) => new(Fingerprint, Type, Base64Key, Comment, addedAt);

    private static bool LooksLikeOptions(string word) =>
        word.Contains('=') || word.Contains(',') || word is "restrict" or "no-pty" or "no-port-forwarding" or "no-agent-forwarding"
            or "no-X11-forwarding" or "no-user-rc" or "cert-authority" or "no-touch-required" or "verify-required";

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";

    /// <summary>Checks the blob against its type; the key's size in bits.</summary>
    private static int ReadBlob(string type, byte[] blob)
    {
        var reader = new BlobReader(blob, type);
        var inner = reader.String();
        if (System.Text.Encoding.ASCII.GetString(inner) != type)
            throw new ArgumentException($"the key says it is {type} but its data is a key of another type");
        int bits;
        switch (type)
        {
            case "ssh-ed25519":
            case "sk-ssh-ed25519@openssh.com":
                if (reader.String().Length != 32)
                    throw new ArgumentException($"the {type} key's public part is not 32 bytes");
                bits = 256;
                if (type.StartsWith("sk-", StringComparison.Ordinal))
                    reader.String(); // application ("ssh:")
                break;
            case "ssh-rsa":
                var exponent = reader.String();
                var modulus = reader.String();
                if (exponent.Length == 0 || modulus.Length == 0)
                    throw new ArgumentException("the ssh-rsa key has an empty exponent or modulus");
                bits = MpintBits(modulus);
                if (bits < MinimumRsaBits)
                    throw new ArgumentException($"the ssh-rsa key has {bits} bits; at least {MinimumRsaBits} are needed (or use ssh-keygen -t ed25519)");
                break;
            default: // ecdsa-sha2-nistpNNN and sk-ecdsa-sha2-nistp256@openssh.com
                var curve = System.Text.Encoding.ASCII.GetString(reader.String());
                var expected = type.StartsWith("sk-", StringComparison.Ordinal) ? "nistp256" : type["ecdsa-sha2-".Length..];
                if (curve != expected)
                    throw new ArgumentException($"the {type} key names curve '{Shorten(curve)}', not {expected}");
                var point = reader.String();
                if (point.Length == 0 || point[0] != 0x04)
                    throw new ArgumentException($"the {type} key's point is not an uncompressed curve point");
                bits = int.Parse(expected["nistp".Length..], System.Globalization.CultureInfo.InvariantCulture);
                if (type.StartsWith("sk-", StringComparison.Ordinal))
                    reader.String();
                break;
        }
        if (!reader.AtEnd)
            throw new ArgumentException($"the {type} key has bytes after its end");
        return bits;
    }

    private static int MpintBits(byte[] mpint)
    {
        var i = 0;
        while (i < mpint.Length && mpint[i] == 0)
            i++;
        if (i == mpint.Length)
            return 0;
        return (mpint.Length - i - 1) * 8 + (8 - System.Numerics.BitOperations.LeadingZeroCount((uint)mpint[i]) + 24);
    }

    private ref struct BlobReader(byte[] blob, string type)
    {
        private int _position;

        public readonly bool AtEnd => _position == blob.Length;

        public byte[] String()
        {
            if (blob.Length - _position < 4)
                throw new ArgumentException($"the {type} key is cut short");
            var length = BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(_position));
            _position += 4;
            if (length > (uint)(blob.Length - _position))
                throw new ArgumentException($"the {type} key is cut short");
            var value = blob.AsSpan(_position, (int)length).ToArray();
            _position += (int)length;
            return value;
        }
    }
}
