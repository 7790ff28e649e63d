using Autobuilder.Grains.Uploads;
using Autobuilder.Grains.Options;
using Autobuilder.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Silo.Uploads;

public static class UploadIndexServiceCollectionExtensions
{
    /// <summary>
    /// The uploads' read model beside the grain state: PostgreSQL in a cluster, state/uploads.sqlite
    /// in the data root in role "all".
    /// </summary>
    public static IServiceCollection AddAutobuilderUploadIndex(this IServiceCollection services, IConfiguration configuration)
    {
        if (ClusterHosting.UsesPostgres(configuration))
        {
            var connection = ClusterHosting.ClusterOptions(configuration).ConnectionString;
            services.AddSingleton<IUploadIndex>(sp => new DatabaseUploadIndex(new PostgresUploadIndex(connection), sp.GetRequiredService<ILogger<DatabaseUploadIndex>>()));
        }
        else
        {
            services.AddSingleton<IUploadIndex>(sp => new SqliteUploadIndex(Path.Combine(sp.GetRequiredService<DataPaths>().State, "uploads.sqlite")));
        }
        return services;
    }
}
