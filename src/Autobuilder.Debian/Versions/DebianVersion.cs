using System.Diagnostics.CodeAnalysis;

namespace Autobuilder.Debian.Versions;

/// <summary>
/// A Debian package version <c>[epoch:]upstream_version[-debian_revision]</c> (Debian Policy §5.6.12,
/// deb-version(7)). Ordering and equality are dpkg's: "1.0" and "1.00" are equal, yet
/// <see cref="ToString"/> gives back the text as written.
/// </summary>
public sealed class DebianVersion : IComparable<DebianVersion>, IComparable, IEquatable<DebianVersion>
{
    private readonly string text;
    private int? hashCode;

    internal DebianVersion(string text, int epoch, string upstream, string revision)
    {
        this.text = text;
        Epoch = epoch;
        Upstream = upstream;
        Revision = revision;
    }

    /// <summary>0 when the version has no epoch.</summary>
    public int Epoch { get; }

    public string Upstream { get; }

    /// <summary>The Debian revision, "" when the version has none (a native package).</summary>
    public string Revision { get; }

    /// <summary>
    /// The strict reading: refuses everything dpkg refuses and also what dpkg only warns about
    /// (upstream not starting with a digit, characters outside Policy's set), a signed epoch, and
    /// spaces around the version, as dpkg-source does.
    /// </summary>
    /// <exception cref="InvalidVersionException">The message quotes the string and says what is wrong.</exception>
    public static DebianVersion Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var version = VersionSyntax.Parse(text, out var error, out var doubt);
        if (error is not null || doubt is not null)
            throw new InvalidVersionException(text, (error ?? doubt)!);
        return version!;
    }

    /// <summary>The strict reading of <see cref="Parse"/>, reporting the problem instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out DebianVersion? version,
        [NotNullWhen(false)] out string? error)
    {
        if (text is null)
        {
            version = null;
            error = "version is missing";
            return false;
        }
        var parsed = VersionSyntax.Parse(text, out var hardError, out var doubt);
        var problem = hardError ?? doubt;
        if (parsed is null || problem is not null)
        {
            version = null;
            error = InvalidVersionException.Describe(text, problem!);
            return false;
        }
        version = parsed;
        error = null;
        return true;
    }

    /// <summary>
    /// The lenient reading of <c>dpkg --compare-versions</c>: throws only where dpkg errors, and
    /// returns what dpkg merely warns about (e.g. "abc", "1.0_1") with that warning. Exception: we
    /// refuse non-ASCII characters, which dpkg would warn about and compare byte by byte.
    /// </summary>
    /// <exception cref="InvalidVersionException">dpkg would refuse the string too.</exception>
    public static DebianVersion ParseLikeDpkg(string text, out string? warning)
    {
        ArgumentNullException.ThrowIfNull(text);
        var version = VersionSyntax.Parse(text, out var error, out var doubt);
        if (error is not null)
            throw new InvalidVersionException(text, error);
        warning = doubt is null ? null : InvalidVersionException.Describe(text, doubt);
        return version!;
    }

    // dpkg lib/dpkg/version.c dpkg_version_compare(): epochs as numbers, then the upstream
    // versions, then the revisions, each with verrevcmp() (VersionOrder). A missing revision is "",
    // which verrevcmp treats like "0": 1.0 == 1.0-0.
    /// <returns>Negative, zero or positive; null sorts before every version.</returns>
    public int CompareTo(DebianVersion? other)
    {
        if (other is null)
            return 1;
        if (Epoch != other.Epoch)
            return Epoch < other.Epoch ? -1 : 1;
        var upstream = VersionOrder.Compare(Upstream, other.Upstream);
        return upstream != 0 ? upstream : VersionOrder.Compare(Revision, other.Revision);
    }

    int IComparable.CompareTo(object? obj) => obj switch
    {
        null => 1,
        DebianVersion v => CompareTo(v),
        _ => throw new ArgumentException($"cannot compare a version with {obj.GetType().Name}", nameof(obj)),
    };

    /// <summary>Equal exactly when <see cref="CompareTo(DebianVersion?)"/> is 0 ("1.0" equals "1.00").</summary>
    public bool Equals(DebianVersion? other) => CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is DebianVersion v && Equals(v);

    public override int GetHashCode() =>
        hashCode ??= HashCode.Combine(Epoch, VersionOrder.EqualityKey(Upstream), VersionOrder.EqualityKey(Revision));

    /// <summary>The version as written (without surrounding blanks).</summary>
    public override string ToString() => text;

    public static bool operator ==(DebianVersion? left, DebianVersion? right) => Compare(left, right) == 0;
    public static bool operator !=(DebianVersion? left, DebianVersion? right) => Compare(left, right) != 0;
    public static bool operator <(DebianVersion? left, DebianVersion? right) => Compare(left, right) < 0;
    public static bool operator <=(DebianVersion? left, DebianVersion? right) => Compare(left, right) <= 0;
    public static bool operator >(DebianVersion? left, DebianVersion? right) => Compare(left, right) > 0;
    public static bool operator >=(DebianVersion? left, DebianVersion? right) => Compare(left, right) >= 0;

    private static int Compare(DebianVersion? left, DebianVersion? right) =>
        left is null ? (right is null ? 0 : -1) : left.CompareTo(right);
}
