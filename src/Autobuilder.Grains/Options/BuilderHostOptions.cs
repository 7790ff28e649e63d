namespace Autobuilder.Grains.Options;

/// <summary>
/// A builder host reached over SSH (silo-config "BuilderHosts"): each of its users is one slot,
/// keyed "Name/User".
/// </summary>
public sealed class BuilderHostOptions
{
    /// <summary>The host's name in slot keys ("Name/User"); letters, digits, '.', '_', '-'.</summary>
    public string Name { get; set; } = "";

    /// <summary>Where to connect; empty means <see cref="Name"/>.</summary>
    public string Address { get; set; } = "";

    public int Port { get; set; } = 22;

    /// <summary>
    /// The host key's SHA-256 fingerprint as <c>ssh-keygen -lf KEY.pub -E sha256</c> prints it
    /// ("SHA256:base64", the prefix and '=' padding optional). Required: a host is never trusted blindly.
    /// </summary>
    public string HostKeySha256 { get; set; } = "";

    /// <summary>Empty means every architecture of <see cref="AutobuilderOptions.Architectures"/>.</summary>
    public List<string> Architectures { get; set; } = [];

    public List<BuilderUserOptions> Users { get; set; } = [];

    /// <summary>"host" (build on the builder as it is) or "chroot" (a throwaway root per build, build-dependencies installed).</summary>
    public string Mode { get; set; } = SlotConfig.HostMode;

    /// <summary>Chroot mode: the folder on the builder holding &lt;product&gt;-&lt;arch&gt;.tar (empty: /var/cache/autobuilder/chroots).</summary>
    public string ChrootTarballs { get; set; } = "";
}
