using Autobuilder.Grains;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Silo.Accounts;

/// <summary>
/// Garage (and role "all"): at silo start, activates the directory, which publishes once (a
/// keyring and SSH key index that match the directory before any upload is checked) and starts
/// its sync timer.
/// </summary>
public sealed partial class AccountsStartup(IGrainFactory grains, ILogger<AccountsStartup> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(AccountsStartup), ServiceLifecycleStage.Active, StartAsync, _ => Task.CompletedTask);

    private async Task StartAsync(CancellationToken ct)
    {
        try
        {
            var answer = await grains.GetGrain<IAccountDirectoryGrain>(0).SyncAsync();
            LogPublished(logger, answer.Message);
        }
        catch (Exception ex)
        {
            // The silo still starts: uploads signed meanwhile are refused for a missing keyring, which says so.
            LogFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account directory: {Message}")]
    private static partial void LogPublished(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Account directory could not be published at start; 'autobuilder accounts sync' tries again")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
