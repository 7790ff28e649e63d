using Autobuilder.Grains.Accounts;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Silo.Accounts;

/// <summary>The account directory's services on the garage (and in role "all").</summary>
public static class AccountsServiceCollectionExtensions
{
    /// <summary>
    /// The store (PostgreSQL when grain state is there, else a local file), gpg's key reader, the
    /// publisher and its writers. A writer of another feature registers itself with
    /// <c>services.AddSingleton&lt;IAccountSnapshotWriter, X&gt;()</c> on the garage; the publisher
    /// runs every registered one.
    /// </summary>
    public static IServiceCollection AddAutobuilderAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        // Where the grain state is, the directory is: PostgreSQL in a cluster, the data root's state/ in role "all".
        if (ClusterHosting.UsesPostgres(configuration))
        {
            var connection = ClusterHosting.DatabaseConnectionString(ClusterHosting.ClusterOptions(configuration));
            services.AddSingleton<IAccountStore>(sp => new PostgresAccountStore(connection, sp.GetRequiredService<ILogger<PostgresAccountStore>>()));
        }
        else
        {
            services.AddSingleton<IAccountStore>(sp => new FileAccountStore(Path.Combine(sp.GetRequiredService<DataPaths>().State, "accounts.json")));
        }
        services.AddSingleton<IOpenPgpKeyReader, OpenPgpKeyReader>();
        services.AddSingleton<IAccountPublisher, AccountPublisher>();
        services.AddSingleton<IAccountSnapshotWriter, OpenPgpKeyringWriter>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, AccountsStartup>();
        return services;
    }
}
