namespace Autobuilder.Grains;

/// <summary>
/// SHA-256 host-key fingerprints as OpenSSH prints them (<c>ssh-keygen -lf KEY.pub -E sha256</c>:
/// "SHA256:" then unpadded base64). Configuration may carry the prefix and the '=' padding or not;
/// SSH.NET reports neither. Comparison is on the 43 base64 characters, case-sensitive.
/// </summary>
public static class HostKeyFingerprint
{
    private const string Prefix = "SHA256:";
    private const int Base64Length = 43; // 32 bytes, unpadded

    /// <summary>The bare base64 form, or null when <paramref name="fingerprint"/> is not a SHA-256 fingerprint.</summary>
    public static string? Normalize(string? fingerprint)
    {
        if (fingerprint is null)
            return null;
        var s = fingerprint.Trim();
        if (s.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            s = s[Prefix.Length..];
        s = s.TrimEnd('=');
        if (s.Length != Base64Length || !s.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/'))
            return null;
        return s;
    }

    public static bool Matches(string? expected, string? actual) =>
        Normalize(expected) is { } e && Normalize(actual) is { } a && string.Equals(e, a, StringComparison.Ordinal);

    /// <summary>The OpenSSH way of writing a fingerprint, for messages an operator compares with ssh-keygen's.</summary>
    public static string Display(string? fingerprint) =>
        Normalize(fingerprint) is { } n ? Prefix + n : $"'{fingerprint}'";
}
