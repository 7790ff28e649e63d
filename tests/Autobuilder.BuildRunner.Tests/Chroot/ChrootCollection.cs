using Autobuilder.Testing;

namespace Autobuilder.BuildRunner.Tests.Chroot;

/// <summary>The chroot tests of this assembly share one base tarball, made or reused once per run.</summary>
[CollectionDefinition(Name)]
public sealed class ChrootCollection : ICollectionFixture<ChrootFixture>
{
    public const string Name = "chroot";
}
