namespace Autobuilder.Grains.Options;

/// <summary>The "Autobuilder" section of a silo's configuration (silo-config/*.json).</summary>
public sealed class AutobuilderOptions
{
    public const string Section = "Autobuilder";

    /// <summary>all, garage, builder or stage (ARCHITECTURE.md §2); only "all" runs today.</summary>
    public string Role { get; set; } = "all";

    /// <summary>Every folder the silo writes lives under here (incoming/, rejected/, results/ …).</summary>
    public string DataRoot { get; set; } = "./var";

    /// <summary>Products (distribution codenames) uploads may be for; each has incoming/&lt;product&gt;/.</summary>
    public List<string> Products { get; set; } = [];

    /// <summary>Architectures this installation builds for; "any" in a .dsc means all of these.</summary>
    public List<string> Architectures { get; set; } = [];

    /// <summary>The repository a successful build's packages are queued for.</summary>
    public string Repository { get; set; } = "extras-devel";

    /// <summary>Attempts of one build that end in infrastructure errors before it is parked as Failed.</summary>
    public int MaxInfrastructureAttempts { get; set; } = 3;

    /// <summary>A running build whose slot has not heartbeated for this long goes back to the queue.</summary>
    public double LeaseSeconds { get; set; } = 60;

    public double HeartbeatSeconds { get; set; } = 5;

    /// <summary>How long a .dsc may wait for the files it names before the upload is rejected as incomplete.</summary>
    public double IncompleteUploadSeconds { get; set; } = 600;

    /// <summary>Lines of the build log quoted in a result mail.</summary>
    public int MailLogLines { get; set; } = 50;

    public List<SlotOptions> Slots { get; set; } = [];

    /// <summary>The stage side: repositories, their distributions, publishing to the live tree.</summary>
    public StageOptions Stage { get; set; } = new();
}

/// <summary>One configured builder slot.</summary>
public sealed class SlotOptions
{
    public string Host { get; set; } = "localhost";
    public string User { get; set; } = "";
    /// <summary>Empty means every architecture of <see cref="AutobuilderOptions.Architectures"/>.</summary>
    public List<string> Architectures { get; set; } = [];
    /// <summary>"local" (this machine); "ssh" comes with the builder-hosts issue.</summary>
    public string Executor { get; set; } = "local";
}
