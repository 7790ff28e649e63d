namespace Autobuilder.Grains.Options;

/// <summary>One configured builder slot.</summary>
public sealed class SlotOptions
{
    public string Host { get; set; } = "localhost";
    public string User { get; set; } = "";
    /// <summary>Empty means every architecture of <see cref="AutobuilderOptions.Architectures"/>.</summary>
    public List<string> Architectures { get; set; } = [];
    /// <summary>"local" (this machine); SSH slots are configured under BuilderHosts.</summary>
    public string Executor { get; set; } = "local";

    /// <summary>"host" (build on this machine as it is) or "chroot" (a throwaway root per build, build-dependencies installed).</summary>
    public string Mode { get; set; } = SlotConfig.HostMode;

    /// <summary>Chroot mode: the folder holding &lt;product&gt;-&lt;arch&gt;.tar (empty: /var/cache/autobuilder/chroots).</summary>
    public string ChrootTarballs { get; set; } = "";

    /// <summary>Host mode: whether the build may reach the network (default no: its own network namespace with nothing in it).</summary>
    public bool Network { get; set; }
}
