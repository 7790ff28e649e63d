using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Benchmarks.Ssh;

/// <summary>
/// Builder hosts for the SSH benchmarks, made with the tests' helpers: real sshd instances on
/// 127.0.0.1 (each stands for one host), the unix users abslot1 and abslot2 (made once, as root),
/// and one key per user authorized on every host. Both "hosts" share this machine's 2 cores.
/// </summary>
internal sealed class SshBenchHosts : IDisposable
{
    public static readonly string[] Users = ["abslot1", "abslot2"];
    private readonly TempDir _keys = new("ab-bench-keys-");

    public SshBenchHosts(int hosts)
    {
        foreach (var user in Users)
        {
            UnixUser.Ensure(user);
            Keys[user] = SshKey.Generate(_keys.Path, user);
        }
        for (var i = 0; i < hosts; i++)
        {
            var server = SshServer.Start();
            foreach (var user in Users)
                server.Authorize(user, Keys[user].PublicKey);
            Servers.Add(server);
        }
    }

    public List<SshServer> Servers { get; } = [];
    public Dictionary<string, SshKey> Keys { get; } = [];

    public SlotConfig Slot(int host, string user, string architecture) =>
        new($"bench-host{host}", user, [architecture], SlotConfig.SshExecutor, "127.0.0.1", Servers[host].Port,
            Servers[host].HostKeySha256, Keys[user].PrivateKeyFile);

    public void Dispose()
    {
        foreach (var server in Servers)
            server.Dispose();
        _keys.Dispose();
    }
}
