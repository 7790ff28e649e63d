using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>
/// Issue 14 point 7: a remote live sync that fails is a hand-off like any other — tried again with
/// back-off and listed by <c>status</c> while it waits. The remote host here refuses connections
/// (nothing listens on its port), so the real ssh/rsync path fails at once and no unix user of a
/// remote host is needed; the successful sync and its retry after a fix are RemoteLiveTests'.
/// </summary>
public sealed class RemoteSyncRetryTests
{
    private const string Dist = "extras-devel/bookworm";

    [Fact]
    public async Task Should_list_the_remote_sync_in_status_and_back_off_When_the_remote_host_refuses_connections()
    {
        // Arrange: a repository whose live tree is also sent to a host nobody answers on.
        using var root = new TempDir("ab-remote-retry-");
        var key = SshKey.Generate(root["keys"], "live");
        var hostKey = SshKey.Generate(root["keys"], "host");
        var port = SiloProcess.FreePort();
        await using var silo = new SiloProcess(root["var"], c => c["Autobuilder"]!["Stage"] = new JsonObject
        {
            ["Repositories"] = new JsonArray(new JsonObject
            {
                ["Name"] = "extras-devel",
                ["Architectures"] = new JsonArray("amd64", "i386"),
                ["AcceptsUploads"] = true,
                ["LiveRemote"] = new JsonObject
                {
                    ["Host"] = "127.0.0.1",
                    ["Port"] = port,
                    ["User"] = "abnobody",
                    ["KeyFile"] = key.PrivateKeyFile,
                    ["HostKey"] = hostKey.PublicKey,
                    ["Path"] = "/srv/ab-nowhere",
                    ["TimeoutSeconds"] = 5,
                    ["RetrySeconds"] = 1,
                },
            }),
        });

        // Act: nothing but the start: its first publish syncs, and the sync fails.
        await silo.StartAsync();
        var entry = await WaitForRemoteEntryAsync(silo, attempts: 3);
        var status = AutobuilderCli.Run(silo, "status");

        // Assert: listed with the reason, backing off (1, 2, then 4 s: the third wait ends at least 7 s after the first try began).
        Assert.Contains($"remote live sync of {Dist} to abnobody@127.0.0.1:{port}", entry.What);
        Assert.False(string.IsNullOrWhiteSpace(entry.LastError));
        Assert.True(entry.NextTry - entry.Since >= TimeSpan.FromSeconds(7), $"no back-off: since {entry.Since:O}, {entry.Attempts} attempts, next {entry.NextTry:O}");
        Assert.True(status.Stdout.Contains($"RemoteSync  {entry.What}: since", StringComparison.Ordinal),
            $"status does not list the remote sync (exit {status.ExitCode}):\n{status.Stdout}\n{status.Stderr}");
        var details = await silo.Grains.GetGrain<IDistributionGrain>(Dist).GetDetailsAsync();
        Assert.NotNull(details.Status.Remote!.LastError);
        Assert.NotNull(details.Status.LiveGeneration);
    }

    private static async Task<PendingDelivery> WaitForRemoteEntryAsync(SiloProcess silo, int attempts)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        IReadOnlyList<PendingDelivery> list = [];
        while (DateTime.UtcNow < deadline)
        {
            list = await silo.Grains.GetGrain<IDeliveryRetriesGrain>(0).ListAsync();
            if (list.FirstOrDefault(d => d.Kind == DeliveryKind.RemoteSync && d.What.Contains(Dist, StringComparison.Ordinal)) is { } entry && entry.Attempts >= attempts)
                return entry;
            await Task.Delay(200);
        }
        throw new TimeoutException($"no remote sync of {Dist} listed with {attempts} attempts; listed: " +
            string.Join("; ", list.Select(d => $"{d.Kind} {d.What} ×{d.Attempts}: {d.LastError}")) + $"\n{silo.Output[^Math.Min(silo.Output.Length, 3000)..]}");
    }
}
