using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Ssh;

/// <summary><c>autobuilder builders add|list|drain|enable|remove</c> on the SSH farm's silo, through the real console.</summary>
[Collection(SshFarmCollection.Name)]
public sealed class SshBuildersConsoleTests(SshFarmFixture farm)
{
    private const string Added = "hostc/abslot2";
    private static readonly string[] ConfigSlots = ["hosta/abslot1", "hosta/abslot2", "hostb/abslot3"];

    private string[] AddArgs(string host, string user, string hostKey) =>
    [
        "builders", "add", host, user, "--arch", SiloProcess.HostArchitecture, "--executor", "ssh", "--address", "127.0.0.1",
        "--port", farm.HostB.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--host-key", hostKey,
        "--key-file", farm.Keys[user].PrivateKeyFile,
    ];

    [Fact]
    public async Task Should_add_keep_list_drain_enable_and_remove_a_slot_When_an_operator_manages_builders()
    {
        // Arrange + Act: add a slot on host B; check refusals; restart the silo.
        var add = AdminCli.Run(farm.Silo, AddArgs("hostc", "abslot2", farm.HostB.HostKeySha256));
        var duplicate = AdminCli.Run(farm.Silo, AddArgs("hosta", "abslot1", farm.HostB.HostKeySha256));
        var badKey = AdminCli.Run(farm.Silo, AddArgs("hostd", "abslot1", "SHA256:nope"));
        await farm.WaitForSlotAsync(Added, s => s.State == SlotState.Idle, "idle after add");
        await farm.Silo.KillAsync();
        await farm.Silo.StartAsync();
        await farm.WaitForSlotAsync(Added, s => s.State == SlotState.Idle, "idle after the silo restarted");
        var list = AdminCli.Run(farm.Silo, "builders", "list");

        // Assert
        Assert.Equal(0, add.ExitCode);
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("configured in silo-config already", duplicate.Stderr);
        Assert.Equal(2, badKey.ExitCode);
        Assert.Contains("is not a SHA-256 fingerprint", badKey.Stderr);
        Assert.Equal(0, list.ExitCode);
        var row = Assert.Single(list.Stdout.Split('\n'), l => l.Contains(Added, StringComparison.Ordinal));
        Assert.Contains("Idle", row);
        Assert.Contains($"abslot2@127.0.0.1:{farm.HostB.Port}", row);
        Assert.Contains(SiloProcess.HostArchitecture, row);
        Assert.Contains("s ago", row); // last heartbeat: the slot's probe

        // Act: the added slot is the only one taking builds; remove it while it builds.
        try
        {
            foreach (var slot in ConfigSlots)
                Assert.Equal(0, AdminCli.Run(farm.Silo, "builders", "drain", slot).ExitCode);
            Uploads.Drop(farm.Silo, new SourcePackage(Name: "ab-ssh-added", RulesBuild: "sleep 4"), farm.Scratch);
            await Uploads.WaitAsync(farm.Silo, "ab-ssh-added", d => d.Builds.Any(b => b.State == BuildState.Running), "building");
            var busyRemove = AdminCli.Run(farm.Silo, "builders", "remove", Added);
            var drain = AdminCli.Run(farm.Silo, "builders", "drain", Added);
            foreach (var slot in ConfigSlots)
                Assert.Equal(0, AdminCli.Run(farm.Silo, "builders", "enable", slot).ExitCode);
            Uploads.Drop(farm.Silo, new SourcePackage(Name: "ab-ssh-after-drain"), farm.Scratch);
            var built = await Uploads.WaitAsync(farm.Silo, "ab-ssh-added", d => d.Summary.State == UploadState.Done, "Done");
            var after = await Uploads.WaitAsync(farm.Silo, "ab-ssh-after-drain", d => d.Summary.State == UploadState.Done, "Done");
            var configRemove = AdminCli.Run(farm.Silo, "builders", "remove", "hosta/abslot1");
            var remove = AdminCli.Run(farm.Silo, "builders", "remove", Added);
            var listAfter = AdminCli.Run(farm.Silo, "builders", "list");

            // Assert: refused while busy (saying why), drained slot finished its build and took no other.
            Assert.Equal(1, busyRemove.ExitCode);
            Assert.Contains("drain it first", busyRemove.Stderr);
            Assert.Contains("it finishes bookworm/ab-ssh-added", drain.Stdout);
            Assert.Equal(Added, Assert.Single(built.Builds).Slot);
            Assert.Equal(UploadState.Published, built.Summary.Outcome);
            Assert.NotEqual(Added, Assert.Single(after.Builds).Slot);
            Assert.Equal(1, configRemove.ExitCode);
            Assert.Contains("comes from silo-config", configRemove.Stderr);
            Assert.Equal(0, remove.ExitCode);
            Assert.DoesNotContain(Added, listAfter.Stdout);
            Assert.Contains("hosta/abslot1", listAfter.Stdout);
        }
        finally
        {
            foreach (var slot in ConfigSlots)
                await farm.Silo.Grains.GetGrain<IBuilderSlotGrain>(slot).EnableAsync();
        }
    }
}
