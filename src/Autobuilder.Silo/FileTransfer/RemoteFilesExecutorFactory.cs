using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.Execution;
using Autobuilder.Silo.Placement;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Silo.FileTransfer;

/// <summary>
/// A builder silo of a cluster shares no disk with the garage: each executor it makes is wrapped
/// so the sources come from the garage first and the results (and the live log) go back to it.
/// </summary>
public sealed class RemoteFilesExecutorFactory(
    BuildExecutorFactory inner,
    IGrainFactory grains,
    ClusterHosts hosts,
    DataPaths paths,
    ILoggerFactory loggers) : IBuildExecutorFactory
{
    public IBuildExecutor Create(SlotConfig slot) =>
        new RemoteFilesExecutor(inner.Create(slot), grains, hosts, paths, loggers.CreateLogger<RemoteFilesExecutor>());
}
