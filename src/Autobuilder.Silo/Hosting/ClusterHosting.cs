using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Autobuilder.Grains;
using Autobuilder.Silo.Hosting;
using Autobuilder.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.Configuration;

namespace Autobuilder.Silo.Hosting;

/// <summary>
/// How a silo joins its cluster: one silo on 127.0.0.1 with local files (role "all"), or any number
/// of silos that find each other, keep their grain state and their reminders in PostgreSQL.
/// </summary>
public static class ClusterHosting
{
    /// <summary>The ADO.NET invariant of Npgsql, as Orleans' providers name it.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>The ADO.NET grain storage itself; grains use <see cref="SiloHost.StorageName"/>, the same behind the database boundary.</summary>
    private const string DatabaseStorageName = "state-database";

    public static SiloClusterOptions ClusterOptions(IConfiguration configuration) =>
        configuration.GetSection(SiloClusterOptions.Section).Get<SiloClusterOptions>() ?? new SiloClusterOptions();

    public static bool UsesPostgres(IConfiguration configuration) =>
        ClusterOptions(configuration).Membership == SiloClusterOptions.PostgresMembership;

    /// <summary>Membership and endpoints (and, in PostgreSQL, grain state "state" and reminders).</summary>
    public static void UseAutobuilderClustering(this ISiloBuilder silo, IConfiguration configuration)
    {
        var cluster = ClusterOptions(configuration);
        var role = configuration[$"Autobuilder:Role"] ?? SiloRoles.All;
        var orleans = configuration.GetSection("Orleans");
        // Failure detection can be tuned per deployment (tests shorten it): Orleans:Membership:ProbeTimeout …
        silo.Configure<ClusterMembershipOptions>(orleans.GetSection("Membership"));
        // … and how long grains of a crashed silo's directory range wait before they may be activated
        // again (the safety lease of the distributed directory): Orleans:Directory:RangeLeaseDuration. (Not
        // "Orleans:GrainDirectory": Orleans reads that section as directory providers.)
        silo.Configure<GrainDirectoryOptions>(orleans.GetSection("Directory"));
        switch (cluster.Membership)
        {
            case SiloClusterOptions.LocalMembership:
                if (role != SiloRoles.All)
                {
                    throw new InvalidOperationException(
                        $"role '{role}' is one silo of several: set Cluster:Membership to '{SiloClusterOptions.PostgresMembership}' and Cluster:ConnectionString");
                }
                silo.UseSingleHostClustering(configuration);
                break;
            case SiloClusterOptions.PostgresMembership:
                UsePostgres(silo, cluster, orleans);
                break;
            default:
                throw new InvalidOperationException(
                    $"Cluster:Membership '{cluster.Membership}' is not known: use '{SiloClusterOptions.LocalMembership}' or '{SiloClusterOptions.PostgresMembership}'");
        }
    }

    private static void UsePostgres(ISiloBuilder silo, SiloClusterOptions cluster, IConfigurationSection orleans)
    {
        if (string.IsNullOrWhiteSpace(cluster.ConnectionString))
            throw new InvalidOperationException("Cluster:ConnectionString is empty (set it in the file or as AUTOBUILDER_Cluster__ConnectionString)");
        var connection = DatabaseConnectionString(cluster);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = orleans.GetValue("ClusterId", "autobuilder")!;
            o.ServiceId = orleans.GetValue("ServiceId", "autobuilder")!;
        });
        silo.ConfigureEndpoints(AdvertisedAddress(cluster), orleans.GetValue("SiloPort", 11111), orleans.GetValue("GatewayPort", 30000),
            listenOnAnyHostAddress: cluster.ListenOnAnyAddress);
        // The default directory forgets the activations a crashed silo's partition recorded, so the
        // next call makes a second scheduler (or upload) beside the living one. The distributed
        // directory rebuilds a lost partition from the silos' own activations instead: one
        // activation per grain through a silo crash, which the scheduler's table relies on.
#pragma warning disable ORLEANSEXP003 // Experimental in Orleans 10; the failover tests prove what we rely on.
        silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connection;
        });
        silo.AddAdoNetGrainStorage(DatabaseStorageName, o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connection;
            o.GrainStorageSerializer = new JsonGrainStateSerializer();
        });
        // The grains' storage is the ADO.NET one behind the database boundary: a driver error
        // leaves as DatabaseException, which crosses silos (Npgsql's exceptions have no codec).
        silo.Services.AddGrainStorage(SiloHost.StorageName, (sp, _) => new DatabaseGrainStorage(
            sp.GetRequiredKeyedService<IGrainStorage>(DatabaseStorageName), sp.GetRequiredService<ILogger<DatabaseGrainStorage>>()));
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connection;
        });
        // The same for reminders: the reminder service answers grains of other silos with the table's errors.
        var reminders = silo.Services.Last(d => d.ServiceType == typeof(IReminderTable) && !d.IsKeyedService);
        silo.Services.Remove(reminders);
        silo.Services.AddSingleton<IReminderTable>(sp => new DatabaseReminderTable(
            (IReminderTable)(reminders.ImplementationInstance ?? reminders.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, reminders.ImplementationType!)),
            sp.GetRequiredService<ILogger<DatabaseReminderTable>>()));
        // A dead silo's row is of no use after a day; cluster status shows the recent ones.
        silo.Configure<ClusterMembershipOptions>(o => o.DefunctSiloExpiration = TimeSpan.FromDays(1));
    }

    /// <summary>
    /// The connection string every part of the silo uses (membership, grain state, reminders, the
    /// account store: one Npgsql pool), with <see cref="SiloClusterOptions.MaxPoolSize"/> as its
    /// pool's bound unless the operator's string sets one.
    /// </summary>
    public static string DatabaseConnectionString(SiloClusterOptions cluster)
    {
        var builder = new NpgsqlConnectionStringBuilder(cluster.ConnectionString);
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = cluster.ConnectionString };
        var setsPool = given.Keys.Cast<string>().Any(k => k.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant() is "maxpoolsize" or "maximumpoolsize");
        if (!setsPool && cluster.MaxPoolSize > 0)
            builder.MaxPoolSize = cluster.MaxPoolSize;
        return builder.ConnectionString;
    }

    /// <summary>The address the silo and gateway ports are bound on, as the clustering above binds them.</summary>
    public static IPAddress ListenAddress(IConfiguration configuration)
    {
        var cluster = ClusterOptions(configuration);
        if (cluster.Membership != SiloClusterOptions.PostgresMembership)
            return IPAddress.Loopback;
        return cluster.ListenOnAnyAddress ? IPAddress.Any : AdvertisedAddress(cluster);
    }

    private static IPAddress AdvertisedAddress(SiloClusterOptions cluster)
    {
        if (cluster.AdvertisedAddress.Length > 0)
        {
            if (IPAddress.TryParse(cluster.AdvertisedAddress, out var configured))
                return configured;
            // A host name (a container's service name): the address it resolves to here.
            return Dns.GetHostAddresses(cluster.AdvertisedAddress).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? throw new InvalidOperationException($"Cluster:AdvertisedAddress '{cluster.AdvertisedAddress}' has no IPv4 address");
        }
        return NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? IPAddress.Loopback;
    }
}
