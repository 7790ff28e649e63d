using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Placement;
using Autobuilder.Grains.Services;
using Autobuilder.Grains.Slots;
using Autobuilder.Grains.Stage;
using Autobuilder.Grains.Uploads;
using Autobuilder.Mail;
using Autobuilder.Silo.Accounts;
using Autobuilder.Silo.BuildSources;
using Autobuilder.Silo.Execution;
using Autobuilder.Silo.Execution.Ssh;
using Autobuilder.Silo.FileTransfer;
using Autobuilder.Silo.Files;
using Autobuilder.Silo.Intake;
using Autobuilder.Silo.Placement;
using Autobuilder.Silo.Retention;
using Autobuilder.Silo.Security;
using Autobuilder.Silo.Stage;
using Autobuilder.Silo.Stage.Incoming;
using Autobuilder.Silo.Storage;
using Autobuilder.Silo.Uploads;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Hosting;

namespace Autobuilder.Silo.Hosting;

/// <summary>
/// Wires one silo from its configuration. The same wiring serves the real silo process and the
/// test clusters, so tests run what production runs.
/// </summary>
public static class SiloHost
{
    public const string StorageName = "state";

    /// <summary>
    /// Services every role needs (options, paths, the silo's identity and role placement, durable
    /// grain state on the local disk unless the cluster keeps it in PostgreSQL), then those of the
    /// silo's role: only what a role does runs on its silos (ARCHITECTURE.md §2).
    /// </summary>
    public static void AddAutobuilder(this ISiloBuilder silo, IConfiguration configuration)
    {
        var services = silo.Services;
        var identity = SiloIdentity.From(configuration);
        services.AddSingleton(identity);
        // The admin plane first: mutual TLS and the access filter guard every other service's grains.
        silo.AddAutobuilderSecurity(configuration, identity);
        // Role and host travel as silo metadata; the placement filter reads them (RolePlacementAttribute).
        silo.UseSiloMetadata(identity.Metadata());
        services.AddPlacementFilter<RolePlacementFilterStrategy, RolePlacementFilterDirector>(ServiceLifetime.Transient);
        services.AddPlacementFilter<HostPlacementFilterStrategy, HostPlacementFilterDirector>(ServiceLifetime.Transient);
        services.Configure<AutobuilderOptions>(configuration.GetSection(AutobuilderOptions.Section));
        services.AddSingleton<IValidateOptions<AutobuilderOptions>, AutobuilderOptionsValidator>();
        services.AddOptions<AutobuilderOptions>().ValidateOnStart();
        services.AddAutobuilderMail(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => DataRootAccess.Restrict(new DataPaths(sp.GetRequiredService<IOptions<AutobuilderOptions>>().Value.DataRoot)));
        services.AddSingleton<SiloIncarnation>();
        services.AddSingleton<IDiskReserve, DataRootDisk>();
        if (!ClusterHosting.UsesPostgres(configuration))
            services.AddGrainStorage(StorageName, (sp, _) => new FileGrainStorage(sp.GetRequiredService<DataPaths>().State));
        // A database error that escapes the boundary (DatabaseBoundary) still reaches callers with its words.
        services.AddDatabaseExceptionFallback();

        // Garage: intake, verification, results, build logs, mail, scheduling.
        if (identity.Plays(SiloRoles.Garage))
        {
            services.AddSingleton<IUploadInspector, UploadInspector>();
            services.AddSingleton<IResultHandoff, ResultHandoff>();
            services.AddSingleton<IBuildLogs, BuildLogs>();
            services.AddSingleton<IBuildDiagnosis, BuildDiagnoser>();
            services.AddSingleton<UploadMailer>();
            services.AddSingleton<IntakeService>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<IntakeService>());
            // The SSH drop: sshd's key index or authorized_keys and the upload areas, from the account directory.
            services.AddSingleton<IAccountSnapshotWriter, Drop.DropAccessWriter>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, Drop.DropStartup>();
            // The account directory: its store, and the files it publishes (each IAccountSnapshotWriter registered here).
            services.AddAutobuilderAccounts(configuration);
            // The uploads' read model: the registries write it, the pages and the console read it.
            services.AddAutobuilderUploadIndex(configuration);
            // Separate drop hosts (role "drop") get the directory's SSH side after every change.
            if (identity.Role == SiloRoles.Garage)
                services.AddSingleton<IAccountSnapshotWriter, Drop.DropHostsPublisher>();
        }
        // A separate SSH drop host: its own key index and areas from the garage's directory, uploads shipped to the garage.
        if (identity.Role == SiloRoles.Drop)
        {
            services.AddSingleton<Drop.DropAccessWriter>();
            services.AddSingleton<Drop.DropShipper>();
            services.AddSingleton<Drop.DropHostService>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<Drop.DropHostService>());
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, Drop.DropStartup>();
        }
        // Builder: the executors of its slots (local, or SSH to its builder hosts).
        if (identity.Plays(SiloRoles.Builder))
        {
            services.AddSingleton<SshConnectionPool>();
            services.AddSingleton<BuildExecutorFactory>();
            // A builder of a cluster shares no disk with the garage: sources come over, results go back.
            if (identity.Role == SiloRoles.Builder)
                services.AddSingleton<IBuildExecutorFactory, RemoteFilesExecutorFactory>();
            else
                services.AddSingleton<IBuildExecutorFactory>(sp => sp.GetRequiredService<BuildExecutorFactory>());
        }
        if (identity.Role != SiloRoles.All)
            services.AddSingleton<ClusterHosts>();
        // Builds against our own repositories: the plan (garage), the live-tree server (stage), the locator (builder).
        services.AddAutobuilderBuildSources(identity, configuration);
        // Stage: repositories, publishing, promotions. Elsewhere only the repository list (a
        // stateless grain the console may reach through any silo) needs the configuration.
        if (identity.Plays(SiloRoles.Stage))
        {
            services.AddAutobuilderStage();
            // The QA ladder (issue 15) reads and moves packages through the stage's grains.
            Qa.QaServiceCollectionExtensions.AddAutobuilderQa(services);
        }
        else
            services.AddSingleton(sp => new StageConfiguration(sp.GetRequiredService<IOptions<AutobuilderOptions>>().Value));
        // Reminders (rule-based promotion): durable in PostgreSQL in a cluster (ClusterHosting); in
        // memory for the one silo of role "all", registered again at every start.
        if (!ClusterHosting.UsesPostgres(configuration))
            silo.UseInMemoryReminderService();
        // Retention: the garage's and the stage's folders stop growing (Autobuilder:Retention).
        if (identity.Plays(SiloRoles.Garage) || identity.Plays(SiloRoles.Stage))
        {
            services.AddSingleton<IRetentionSweeper, RetentionSweeper>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, RetentionStartup>();
        }

        if (identity.Role == SiloRoles.All)
        {
            // One silo: configure every slot, then wake the scheduler.
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SlotStartup>();
            if (configuration.GetValue<bool>("Autobuilder:Uploaders:QuickStartAccount"))
                services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, Intake.QuickStartUploader>();
        }
        else if (identity.Role == SiloRoles.Garage)
        {
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchedulerStartup>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, BuilderSilosWatch>();
            // The stage's packages go to the stage host's disk.
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, StageForwarder>();
        }
        else if (identity.Role == SiloRoles.Builder)
        {
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, BuilderStartup>();
        }
    }

    /// <summary>Single-host clustering on 127.0.0.1 for role "all", with ports from configuration.</summary>
    public static void UseSingleHostClustering(this ISiloBuilder silo, IConfiguration configuration)
    {
        var orleans = configuration.GetSection("Orleans");
        silo.UseLocalhostClustering(
            siloPort: orleans.GetValue("SiloPort", 11111),
            gatewayPort: orleans.GetValue("GatewayPort", 30000),
            serviceId: orleans.GetValue("ServiceId", "autobuilder")!,
            clusterId: orleans.GetValue("ClusterId", "autobuilder")!);
        silo.Configure<ClusterMembershipOptions>(o => o.DefunctSiloExpiration = TimeSpan.FromMinutes(1));
    }
}
