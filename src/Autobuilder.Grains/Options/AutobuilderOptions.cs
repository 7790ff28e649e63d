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

    /// <summary>
    /// A build whose attempts ended in infrastructure errors on this many different slots is parked
    /// as Failed: the fault is likely the build's, not the slots'.
    /// </summary>
    public int MaxInfrastructureSlots { get; set; } = 3;

    /// <summary>
    /// Safety net for farms with fewer slots than <see cref="MaxInfrastructureSlots"/>: a build is
    /// also parked after this many attempts in all that ended in infrastructure errors.
    /// </summary>
    public int MaxInfrastructureAttempts { get; set; } = 6;

    /// <summary>A slot whose builds end in infrastructure errors this many times in a row is held Offline for an operator.</summary>
    public int MaxConsecutiveSlotFailures { get; set; } = 5;

    /// <summary>How often a slot checks that its host answers (while idle or offline).</summary>
    public double ProbeSeconds { get; set; } = 30;

    /// <summary>A running build whose slot has not heartbeated for this long goes back to the queue.</summary>
    public double LeaseSeconds { get; set; } = 60;

    public double HeartbeatSeconds { get; set; } = 5;

    /// <summary>How long a .dsc may wait for the files it names before the upload is rejected as incomplete.</summary>
    public double IncompleteUploadSeconds { get; set; } = 600;

    /// <summary>
    /// Products whose builds may produce binaries versioned as a binNMU of the upload (VERSION+bN).
    /// Elsewhere every .deb a build hands off must carry exactly the upload's version.
    /// </summary>
    public List<string> BinNmuProducts { get; set; } = [];

    /// <summary>Intake's limits (.dsc size, files, sizes) and its pacing.</summary>
    public IntakeOptions Intake { get; set; } = new();

    /// <summary>Who may upload and how files arrive: signatures, rights, the SSH and HTTP upload areas.</summary>
    public UploadersOptions Uploaders { get; set; } = new();

    /// <summary>The status pages and JSON API (served by the garage).</summary>
    public WebOptions Web { get; set; } = new();

    /// <summary>How long settled uploads, rejected files, strays and the stage's leftovers are kept.</summary>
    public RetentionOptions Retention { get; set; } = new();

    /// <summary>The free space each data root keeps in reserve before intake, builds and publishes wait.</summary>
    public DiskOptions Disk { get; set; } = new();

    /// <summary>How long to wait before sending a mail again when the mail server failed.</summary>
    public double MailRetrySeconds { get; set; } = 60;

    /// <summary>How long to wait before offering a built upload to a distribution again when the stage could not be reached.</summary>
    public double PublishRetrySeconds { get; set; } = 10;

    /// <summary>
    /// How long an upload whose step failed half way (its state write refused: the cluster's
    /// database away) waits before writing its state again and resuming; doubled per failure.
    /// A builder slot waits as long before reporting a result its upload did not take again.
    /// </summary>
    public double StateRetrySeconds { get; set; } = 5;

    /// <summary>Lines of the build log quoted in a result mail.</summary>
    public int MailLogLines { get; set; } = 50;

    public List<SlotOptions> Slots { get; set; } = [];

    /// <summary>The stage side: repositories, their distributions, publishing to the live tree.</summary>
    public StageOptions Stage { get; set; } = new();

    /// <summary>The build runner to run; empty means the ab-build-runner shipped next to the silo.</summary>
    public string BuildRunner { get; set; } = "";

    /// <summary>
    /// Local slots build in &lt;BuildRoot&gt;/&lt;slot user&gt;/&lt;build&gt;/, a folder of the slot's own
    /// unix user outside the data root (which builds cannot read). One silo per BuildRoot.
    /// </summary>
    public string BuildRoot { get; set; } = "/var/lib/autobuilder-builds";

    /// <summary>
    /// The ab-build-sandbox that local builds start in. Empty: a silo running as root installs its
    /// own copy under /usr/local/lib/autobuilder/sandbox/ (outside any data root); any other silo runs /usr/lib/autobuilder/ab-build-sandbox
    /// through sudo (the path its sudo rule names; docs/operations.md).
    /// </summary>
    public string BuildSandbox { get; set; } = "";

    /// <summary>Builder hosts reached over SSH; each user is one slot.</summary>
    public List<BuilderHostOptions> BuilderHosts { get; set; } = [];

    public SshOptions Ssh { get; set; } = new();

    /// <summary>
    /// The longest a silo may take to stop after SIGTERM: the host's stop timeout, and past it (plus a
    /// few seconds' grace) the process ends itself, whatever part of it still waits.
    /// </summary>
    public double ShutdownSeconds { get; set; } = 30;

    /// <summary>The autobuilder's own repositories builds use besides the base system, and where builders reach them.</summary>
    public BuildSourcesOptions BuildSources { get; set; } = new();

    /// <summary>Build timeout (per product), log and line limits.</summary>
    public BuildLimitsOptions BuildLimits { get; set; } = new();

    /// <summary>
    /// A newer upload of a source for a product stops the queued and running builds of the older
    /// uploads of that source (they end Cancelled, the reason recorded and mailed).
    /// </summary>
    public bool SupersedeOlderUploads { get; set; } = true;

    /// <summary>Base build priorities per distribution, product or repository (higher first).</summary>
    public BuildPriorityOptions Priorities { get; set; } = new();

    /// <summary>The QA ladder (issue 15): promotion requests, automatic checks, votes, quarantine, excuses, demotion.</summary>
    public QaOptions Qa { get; set; } = new();

    /// <summary>What the garage keeps in memory of its uploads: the registry's recent window, each upload's history.</summary>
    public UploadMemoryOptions UploadMemory { get; set; } = new();
}
