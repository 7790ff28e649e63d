using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Grains.Slots;
using Autobuilder.Grains.Uploads;
using Autobuilder.Mail;
using Autobuilder.Silo.Execution;
using Autobuilder.Silo.Execution.Ssh;
using Autobuilder.Silo.Files;
using Autobuilder.Silo.Intake;
using Autobuilder.Silo.Stage;
using Autobuilder.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;

namespace Autobuilder.Silo.Hosting;

/// <summary>
/// Wires one silo from its configuration. The same wiring serves the real silo process and the
/// test clusters, so tests run what production runs.
/// </summary>
public static class SiloHost
{
    public const string StorageName = "state";

    /// <summary>Services every role needs: options, paths, durable grain state on the local disk.</summary>
    public static void AddAutobuilder(this ISiloBuilder silo, IConfiguration configuration)
    {
        var services = silo.Services;
        services.Configure<AutobuilderOptions>(configuration.GetSection(AutobuilderOptions.Section));
        services.AddAutobuilderMail(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new DataPaths(sp.GetRequiredService<IOptions<AutobuilderOptions>>().Value.DataRoot));
        services.AddSingleton<SiloIncarnation>();
        services.AddGrainStorage(StorageName, (sp, _) => new FileGrainStorage(sp.GetRequiredService<DataPaths>().State));

        // Garage: intake, verification, results, mail. Builder: executors. All run in role "all".
        services.AddSingleton<IUploadInspector, UploadInspector>();
        services.AddSingleton<IResultHandoff, ResultHandoff>();
        services.AddSingleton<IBuildLogs, BuildLogs>();
        services.AddSingleton<UploadMailer>();
        services.AddSingleton<SshConnectionPool>();
        services.AddSingleton<IBuildExecutorFactory, BuildExecutorFactory>();
        services.AddSingleton<IntakeService>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<IntakeService>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SlotStartup>();

        // Stage: repositories, publishing, promotions. Reminders (rule-based promotion) live in
        // memory until the cluster issue brings a durable table; they are registered again at every start.
        services.AddAutobuilderStage();
        silo.UseInMemoryReminderService();
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
