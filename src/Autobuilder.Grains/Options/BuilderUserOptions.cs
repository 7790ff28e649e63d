namespace Autobuilder.Grains.Options;

/// <summary>One unix user of a builder host: one slot.</summary>
public sealed class BuilderUserOptions
{
    public string User { get; set; } = "";

    /// <summary>Absolute path of the user's private key on the builder silo's machine (never the key itself).</summary>
    public string KeyFile { get; set; } = "";
}
