using Autobuilder.Grains.Builds;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Placement;
using Autobuilder.Grains.Services;
using Autobuilder.Grains.Slots;
using Autobuilder.Grains.Stage;
using Autobuilder.Grains.Tests.Doubles;
using Autobuilder.Grains.Uploads;
using Autobuilder.Mail;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Autobuilder.Grains.Tests.Cluster;

/// <summary>
/// One in-process silo running the real grains, with memory grain state and test doubles for
/// everything that touches files, builders or mail. Real time: the lease is short (2 s) and slots
/// heartbeat every 0.3 s, so lease expiry is seen within seconds.
/// </summary>
public sealed class GrainClusterFixture : IAsyncLifetime
{
    public const string Product = "fremantle";
    public const string OtherProduct = "bookworm";
    public const string Uploader = "Tess Tester <tess@example.org>";
    public const string BuildsList = "builds@example.org";
    public const string Repository = "extras-devel";
    public const double LeaseSeconds = 2;
    public const int MaxInfrastructureAttempts = 3;

    /// <summary>What "Architecture: any" builds for in these tests.</summary>
    public static readonly IReadOnlyList<string> Architectures = ["amd64", "i386", "armhf"];

    /// <summary>The slots the upload tests build on: two for amd64/i386 (so a retry can go elsewhere), one for armhf.</summary>
    public static readonly IReadOnlyList<SlotConfig> StandardSlots =
    [
        new("builder1", "ab1", ["amd64", "i386"], "scripted"),
        new("builder2", "ab2", ["amd64", "i386"], "scripted"),
        new("builder3", "ab3", ["armhf"], "scripted"),
    ];

    private InProcessTestCluster? _cluster;
    private int _tickets;

    public ScriptedBuildExecutor Executor { get; } = new();
    public RecordingMailSender Mail { get; } = new();
    public RecordingResultHandoff Handoff { get; } = new();
    public StubUploadInspector Inspector { get; } = new();
    public FakeUploadIndex UploadIndex { get; } = new();
    public StorageOutage Storage { get; } = new();

    /// <summary>
    /// Each build result the uploads offered to a distribution (the stand-in's record), in the shape
    /// the hand-off tests read: results folder, repository and product.
    /// </summary>
    public IReadOnlyList<HandOff> Offered => [.. FakeDistributionGrain.Offers.SelectMany(o => o.Builds.Select(b => new HandOff(b.Folder, Distribution(o).Repository, Distribution(o).Product)))];

    private static (string Repository, string Product) Distribution(UploadOffer offer) =>
        (Repository, offer.UploadId.Split('/')[0]);

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster is not started");
    public IClusterClient Client => Cluster.Client;

    public IBuildSchedulerGrain Scheduler => Client.GetGrain<IBuildSchedulerGrain>(0);

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            // Grain state in memory, behind a switch that makes it fail as the cluster's database does when it is away.
            silo.AddMemoryGrainStorage(FakeOutageGrainStorage.InnerName);
            silo.Services.AddGrainStorage("state", (sp, _) => new FakeOutageGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(FakeOutageGrainStorage.InnerName), Storage));
            var services = silo.Services;
            services.AddPlacementFilter<RolePlacementFilterStrategy, AnySiloPlacementDirector>(ServiceLifetime.Transient);
            services.Configure<AutobuilderOptions>(o =>
            {
                o.Products = [Product, OtherProduct];
                o.Architectures = [.. Architectures];
                o.Repository = Repository;
                o.LeaseSeconds = LeaseSeconds;
                o.HeartbeatSeconds = 0.3;
                o.MaxInfrastructureAttempts = MaxInfrastructureAttempts;
                o.MailRetrySeconds = 0.5;
            });
            services.Configure<MailSettings>(o => o.BuildsList = BuildsList);
            services.TryAddSingleton(TimeProvider.System);
            services.AddSingleton<SiloIncarnation>();
            services.AddSingleton<UploadMailer>();
            services.AddSingleton<IMailSender>(Mail);
            services.AddSingleton<IUploadInspector>(Inspector);
            services.AddSingleton<IUploadIndex>(UploadIndex);
            services.AddSingleton<IResultHandoff>(Handoff);
            services.AddSingleton<IBuildLogs, EmptyBuildLogs>();
            services.AddSingleton<IBuildDiagnosis, NoBuildDiagnosis>();
            services.AddSingleton<IBuildExecutorFactory>(Executor);
            // The stage's distribution is a stand-in here (no pool, journal or publisher): only it implements IDistributionGrain.
            services.PostConfigure<Orleans.Configuration.GrainTypeOptions>(o => o.Classes.Remove(typeof(Autobuilder.Grains.Stage.DistributionGrain)));
            services.PostConfigure<AutobuilderOptions>(o => o.PublishRetrySeconds = 0.5);
            services.PostConfigure<AutobuilderOptions>(o => o.StateRetrySeconds = 0.2);
            // Builds use extras-devel (the default plan), so publishes there release their dep-waits.
            services.AddSingleton(sp => new BuildSourcePlan(sp.GetRequiredService<IOptions<AutobuilderOptions>>().Value,
                new StageConfiguration(sp.GetRequiredService<IOptions<AutobuilderOptions>>().Value)));
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();

        await Scheduler.StartAsync([Product, OtherProduct]);
        foreach (var slot in StandardSlots)
            await ConfigureSlotAsync(slot);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
            await _cluster.DisposeAsync();
    }

    /// <summary>Configures a slot and waits until the scheduler has it as idle (its announcement is one-way).</summary>
    public async Task ConfigureSlotAsync(SlotConfig slot)
    {
        await Client.GetGrain<IBuilderSlotGrain>(slot.Key).ConfigureAsync(slot);
        await WaitForSlotAsync("configure slot", slot.Key, SlotState.Idle);
    }

    public Task<SlotStatus> WaitForSlotAsync(string phase, string slot, SlotState state) =>
        Eventually.UntilAsync(phase, slot, $"the scheduler to list the slot as {state}",
            async () => (await Scheduler.GetStatusAsync()).Slots.FirstOrDefault(s => s.Slot == slot),
            s => s?.State == state,
            s => s is null ? "not listed" : $"{s.State} (build {s.CurrentBuild ?? "none"}, reason {s.Reason ?? "none"})")!;

    /// <summary>
    /// Waits until the standard slots are idle and run nothing, so a test starts from a quiet
    /// cluster whatever the test before it left running.
    /// </summary>
    public Task WaitForQuietAsync() =>
        Eventually.UntilAsync("quiet before test", "standard slots", "every standard slot idle and nothing running",
            () => Scheduler.GetStatusAsync(),
            s => StandardSlots.All(c => s.Slots.Any(x => x.Slot == c.Key && x.State == SlotState.Idle))
                && !s.Running.Any(r => r.Slot is { } slot && StandardSlots.Any(c => c.Key == slot)),
            s => string.Join("; ", s.Slots.Where(x => StandardSlots.Any(c => c.Key == x.Slot)).Select(x => $"{x.Slot}={x.State}/{x.CurrentBuild}"))
                + $"; running: {string.Join(", ", s.Running.Select(r => $"{r.BuildId}@{r.Slot}"))}");

    /// <summary>
    /// Hands an upload to the cluster as intake does: the registry gives the id for a fresh
    /// ticket, then the upload grain receives it. The inspector answers for its folder with
    /// intact files of the named source and version, or with <paramref name="problems"/>.
    /// </summary>
    /// <param name="script">Called with the upload id before the upload is received, to script its
    /// builds: once received, its first attempts may start at any moment.</param>
    public async Task<SubmittedUpload> SubmitAsync(
        string source,
        string version,
        string architectureField,
        string product = Product,
        IReadOnlyList<string>? problems = null,
        Action<SubmittedUpload>? script = null)
    {
        var ticket = $"ticket-{Interlocked.Increment(ref _tickets)}-{source}";
        var dsc = $"{source}_{version}.dsc";
        Inspector.Script(ticket, new UploadInspection(source, version, architectureField, Uploader,
            [dsc, $"{source}_{version}.tar.xz"], problems ?? []));
        var id = await Client.GetGrain<IUploadRegistryGrain>(product).RegisterAsync(ticket, source, version);
        var upload = new SubmittedUpload(id, new UploadReceived(ticket, product, DateTimeOffset.UtcNow));
        script?.Invoke(upload);
        await Client.GetGrain<IUploadGrain>(id).ReceiveAsync(upload.Received);
        return upload;
    }

    public IUploadGrain Upload(string id) => Client.GetGrain<IUploadGrain>(id);

    public async Task<UploadDetails> DetailsAsync(string id) =>
        await Upload(id).GetDetailsAsync() ?? throw new InvalidOperationException($"upload {id} has no details");

    /// <summary>
    /// Waits until the upload is settled (Done, or Rejected with its mail sent) and checks it
    /// settled with <paramref name="outcome"/>; a settled upload does not move on by itself, so
    /// another outcome fails at once.
    /// </summary>
    public async Task<UploadDetails> WaitForOutcomeAsync(string phase, string id, UploadState outcome)
    {
        var expected = $"settled with outcome {outcome}";
        var details = await Eventually.UntilAsync(phase, id, expected, () => DetailsAsync(id), d => d.Summary.Settled, Describe);
        if (details.Summary.Outcome != outcome)
            Assert.Fail($"phase '{phase}', id '{id}': expected {expected}; actual: {Describe(details)}");
        return details;
    }

    public static string Describe(UploadDetails d) =>
        $"{d.Summary.State} (outcome {d.Summary.Outcome?.ToString() ?? "none"}, settled {d.Summary.Settled}); builds: "
        + string.Join(", ", d.Builds.Select(b => $"{b.Architecture}={b.State}/{b.Outcome}#{b.Attempt}@{b.Slot}"))
        + $"; last reason: {d.Summary.LastReason}";
}
