using System.Text.Json.Nodes;
using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests;

/// <summary>
/// Infrastructure errors are blamed: on the build after several different slots, on a slot after
/// several builds in a row. Real runner, real failure: the slots claim armel on a host that is not,
/// and the runner answers "wrong host" (an infrastructure error) every time.
/// </summary>
public sealed class BlameTests
{
    private static readonly string[] Slots = ["localhost/abbuild1", "localhost/abbuild2", "localhost/abbuild3"];

    [Fact]
    public async Task Should_park_the_build_after_three_slots_and_hold_slots_after_two_failures_in_a_row_When_every_attempt_breaks()
    {
        // Arrange
        using var root = new TempDir("ab-blame-");
        await using var silo = new SiloProcess(root["var"], config =>
        {
            var ab = config["Autobuilder"]!.AsObject();
            ab["Architectures"] = new JsonArray(SiloProcess.HostArchitecture, "armel");
            ab["MaxInfrastructureSlots"] = 3;
            ab["MaxConsecutiveSlotFailures"] = 2;
            ab["Slots"] = new JsonArray(Slots.Select(s => (JsonNode)new JsonObject
            {
                ["Host"] = "localhost", ["User"] = s.Split('/')[1], ["Architectures"] = new JsonArray("armel"),
            }).ToArray());
        });
        await silo.StartAsync();

        // Act: two uploads, each tried on all three slots.
        Uploads.Drop(silo, new SourcePackage(Name: "ab-blame-one", Architecture: "armel"), root["scratch"]);
        var one = await Uploads.WaitAsync(silo, "ab-blame-one", d => d.Summary.State == UploadState.Done, "Done");
        Uploads.Drop(silo, new SourcePackage(Name: "ab-blame-two", Architecture: "armel"), root["scratch"]);
        var two = await Uploads.WaitAsync(silo, "ab-blame-two", d => d.Summary.State == UploadState.Done, "Done");
        var held = await Task.WhenAll(Slots.Select(s => silo.Grains.GetGrain<IBuilderSlotGrain>(s).GetStatusAsync()));
        var enable = AdminCli.Run(silo, "builders", "enable", Slots[0]);
        var list = AdminCli.Run(silo, "builders", "list");

        // Assert: each build parked after three different slots, with the reason.
        foreach (var upload in new[] { one, two })
        {
            Assert.Equal(UploadState.Failed, upload.Summary.Outcome);
            var build = Assert.Single(upload.Builds);
            Assert.Equal(BuildOutcome.InfrastructureError, build.Outcome);
            Assert.Equal(3, build.Attempt);
            Assert.Contains("gave up after 3 attempts on 3 slots", build.Summary);
            Assert.Contains("host architecture is", build.Summary);
        }
        // Each slot failed one build of each upload: two in a row, so held for an operator.
        Assert.All(held, s =>
        {
            Assert.Equal(SlotState.Offline, s.State);
            Assert.Equal(2, s.ConsecutiveFailures);
            Assert.Contains("held for an operator", s.Reason);
        });
        // The operator brings one back.
        Assert.True(enable.ExitCode == 0, $"builders enable: exit {enable.ExitCode}: {enable.Stdout}{enable.Stderr}");
        Assert.Contains("enabled (idle)", enable.Stdout);
        var back = await silo.Grains.GetGrain<IBuilderSlotGrain>(Slots[0]).GetStatusAsync();
        Assert.Equal(SlotState.Idle, back.State);
        Assert.Equal(0, back.ConsecutiveFailures);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(list.Stdout.Split('\n'), l => l.Contains(Slots[1], StringComparison.Ordinal) && l.Contains("held for an operator", StringComparison.Ordinal));
    }
}
