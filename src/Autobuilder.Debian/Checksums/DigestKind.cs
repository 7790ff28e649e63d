namespace Autobuilder.Debian.Checksums;

/// <summary>The three sums Debian indices carry (Release's MD5Sum, SHA1 and SHA256 fields).</summary>
public enum DigestKind
{
    Md5,
    Sha1,
    Sha256,
}
