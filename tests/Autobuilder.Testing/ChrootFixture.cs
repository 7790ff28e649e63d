namespace Autobuilder.Testing;

/// <summary>
/// Shared by the chroot tests of a test assembly (as an xunit collection or class fixture): the base
/// tarball for this machine's architecture, made or reused once (<see cref="BaseTarballCache"/>).
/// A failure to make it fails every test that uses it, with the reason.
/// </summary>
public sealed class ChrootFixture
{
    public ChrootFixture()
    {
        Architecture = Tool.Run("dpkg", "--print-architecture").Ok().Stdout.Trim();
        (Tarball, Made) = BaseTarballCache.Ensure(Architecture);
    }

    public string Architecture { get; }

    public string Distribution => BaseTarballCache.Distribution;

    /// <summary>Absolute path of the base tarball.</summary>
    public string Tarball { get; }

    /// <summary>How long making the tarball took in this run; zero when a fresh one was reused.</summary>
    public TimeSpan Made { get; }

    /// <summary>The folder holding the tarball, as a slot's ChrootTarballs setting names it.</summary>
    public string Folder => Path.GetDirectoryName(Tarball)!;
}
