using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Ssh;

/// <summary>
/// Two builder "hosts" (two real sshd instances on 127.0.0.1) and a silo whose slots reach them
/// over SSH: hosta/abslot1, hosta/abslot2, hostb/abslot3, and impostor/abslot3, which points at
/// host B but pins host A's key. No local slots.
/// </summary>
public sealed class SshFarmFixture : IAsyncLifetime
{
    public static readonly string[] Users = ["abslot1", "abslot2", "abslot3"];
    private readonly TempDir _root = new("ab-ssh-farm-");

    public SshServer HostA { get; private set; } = null!;
    public SshServer HostB { get; private set; } = null!;
    public Dictionary<string, SshKey> Keys { get; } = [];
    public SiloProcess Silo { get; private set; } = null!;
    public string Scratch => _root["scratch"];

    public async Task InitializeAsync()
    {
        foreach (var user in Users)
        {
            UnixUser.Ensure(user);
            Keys[user] = SshKey.Generate(_root["keys"], user);
        }
        HostA = SshServer.Start();
        HostB = SshServer.Start();
        foreach (var user in Users)
        {
            HostA.Authorize(user, Keys[user].PublicKey);
            HostB.Authorize(user, Keys[user].PublicKey);
        }
        Silo = new SiloProcess(_root["var"], config =>
        {
            var ab = config["Autobuilder"]!.AsObject();
            ab["Slots"] = new JsonArray();
            ab["ProbeSeconds"] = 1;
            ab["Ssh"] = new JsonObject { ["ConnectTimeoutSeconds"] = 5, ["SilenceTimeoutSeconds"] = 60 };
            ab["BuilderHosts"] = new JsonArray(
                Host("hosta", HostA.Port, HostA.HostKeySha256, "abslot1", "abslot2"),
                Host("hostb", HostB.Port, HostB.HostKeySha256, "abslot3"),
                Host("impostor", HostB.Port, HostA.HostKeySha256, "abslot3"));
        });
        await Silo.StartAsync();
    }

    public JsonObject Host(string name, int port, string hostKey, params string[] users) => new()
    {
        ["Name"] = name,
        ["Address"] = "127.0.0.1",
        ["Port"] = port,
        ["HostKeySha256"] = hostKey,
        ["Users"] = new JsonArray(users.Select(u => (JsonNode)new JsonObject { ["User"] = u, ["KeyFile"] = Keys[u].PrivateKeyFile }).ToArray()),
    };

    public Task<SlotStatus> SlotAsync(string slot) => Silo.Grains.GetGrain<IBuilderSlotGrain>(slot).GetStatusAsync();

    /// <summary>Polls a slot until <paramref name="done"/> holds; the timeout message shows its last status.</summary>
    public async Task<SlotStatus> WaitForSlotAsync(string slot, Func<SlotStatus, bool> done, string expectation, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        SlotStatus last;
        while (true)
        {
            last = await SlotAsync(slot);
            if (done(last))
                return last;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"slot {slot} not {expectation}: last {last}\nsilo output:\n{Silo.Output[^Math.Min(Silo.Output.Length, 3000)..]}");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        HostA.Dispose();
        HostB.Dispose();
        _root.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SshFarmCollection : ICollectionFixture<SshFarmFixture>
{
    public const string Name = "ssh-farm";
}
