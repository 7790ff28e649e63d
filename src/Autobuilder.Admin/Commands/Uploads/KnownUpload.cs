using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;

namespace Autobuilder.Admin.Commands.Uploads;

/// <summary>What the upload verbs share: the upload named on the command line, refused in words when there is none, and who acts.</summary>
internal static class KnownUpload
{
    public static async Task<IUploadGrain> FindAsync(ClusterConnection cluster, string id)
    {
        var upload = cluster.Grains.GetGrain<IUploadGrain>(id);
        if (await upload.GetDetailsAsync() is null)
            throw new ConsoleException($"no upload '{id}' (list them with: autobuilder uploads list)");
        return upload;
    }

    /// <summary>Who, as this console knows it; a silo that authenticates its callers records their certificate's name instead.</summary>
    public static string Caller => $"{Environment.UserName}@{Environment.MachineName}";
}
