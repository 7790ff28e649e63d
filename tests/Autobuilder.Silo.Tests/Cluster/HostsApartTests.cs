using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Cluster;

/// <summary>
/// The cluster's silos really are on hosts apart (issue 14 point 8): each advertises and is reached
/// at its own address, and none can read another's data root; the other cluster tests (a build on a
/// builder host, results back to the garage, the stage fetching them, failover) pass across them.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HostsApartTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Should_know_each_silo_by_its_own_address_When_the_cluster_runs_on_hosts_apart()
    {
        Assert.True(fixture.Isolated, "the cluster runs on one address and one file system (AB_CLUSTER_ISOLATED=0)");

        string[] four = ["garage", "builder1", "builder2", "stage"];
        // Once each: a silo killed by an earlier test may still be listed Active for a few seconds beside its successor.
        var silos = await Eventually.UntilAsync(async () =>
        {
            var list = (await fixture.Garage.Grains.GetGrain<IClusterInfoGrain>(0).GetSilosAsync()).Where(s => s.Status == "Active").ToList();
            return (four.All(h => list.Count(s => s.Host == h) == 1), list, string.Join("\n", list.Select(s => $"{s.Role}@{s.Host} {s.Address}")));
        }, "one active silo on each of the four hosts");

        foreach (var silo in new[] { fixture.Garage, fixture.Builder1, fixture.Builder2, fixture.Stage })
        {
            var host = silo.Name.Split('@')[1];
            var seen = Assert.Single(silos, s => s.Host == host);
            Assert.Contains($"{silo.Address}:{silo.SiloPort}", seen.Address);
            Assert.NotEqual("127.0.0.1", silo.Address);
        }
        Assert.Equal(4, new[] { fixture.Garage, fixture.Builder1, fixture.Builder2, fixture.Stage }.Select(s => s.Address).Distinct().Count());
    }

    [Fact]
    public void Should_see_only_its_own_data_root_When_a_process_runs_on_a_silos_host()
    {
        Assert.True(fixture.Isolated, "the cluster runs on one address and one file system (AB_CLUSTER_ISOLATED=0)");
        var hosts = fixture.Hosts!.Hosts.ToDictionary(h => h.Name);

        // The silo.json every silo's data root holds: on its own host only.
        foreach (var (name, host) in hosts)
        {
            foreach (var other in hosts.Values)
            {
                var read = host.Run("cat", Path.Combine(other.DataRoot, "silo.json"));
                if (other.Name == name)
                    Assert.True(read.ExitCode == 0, $"{name} cannot read its own configuration: {read.Stderr}");
                else
                    Assert.True(read.ExitCode != 0, $"{name} read {other.Name}'s data root");
            }
        }
        // The garage's uploads, seen from the stage's host: nothing there.
        Assert.Equal("", hosts["stage"].Run("ls", "-A", fixture.Garage.DataRoot).Ok().Stdout);
    }
}
