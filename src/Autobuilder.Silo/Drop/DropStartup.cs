using Autobuilder.Grains.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Drop;

/// <summary>
/// At garage start, with the SSH drop on (Autobuilder:Uploaders:Drop:Enabled): a silo running as root
/// installs this version's ab-drop-keys and ab-drop-sftp under Drop:Scripts, the root-owned path
/// sshd's configuration names. Any other silo leaves that to the operator (docs/drop-host.md).
/// </summary>
public sealed partial class DropStartup(IOptions<AutobuilderOptions> options, ILogger<DropStartup> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DropStartup), ServiceLifecycleStage.Active, Start, _ => Task.CompletedTask);

    private Task Start(CancellationToken ct)
    {
        var drop = options.Value.Uploaders.Drop;
        if (!drop.Enabled)
            return Task.CompletedTask;
        if (DropUnix.EffectiveUid == 0)
        {
            DropScripts.Install(drop.Scripts);
            LogInstalled(logger, drop.Scripts);
        }
        else
        {
            LogNotRoot(logger, drop.Scripts);
        }
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Drop: ab-drop-keys and ab-drop-sftp are in {Folder}")]
    private static partial void LogInstalled(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drop: the silo is not root, so it does not install ab-drop-keys and ab-drop-sftp; they must be in {Folder} (docs/drop-host.md)")]
    private static partial void LogNotRoot(ILogger logger, string folder);
}
