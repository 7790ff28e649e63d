using Autobuilder.Grains.Builds;

namespace Autobuilder.Grains.Tests.Builds;

/// <summary>The words of a waiting build's reason for slot tables a live cluster only shows in passing (an offline host, a mix).</summary>
public sealed class WaitReasonsTests
{
    private static readonly QueuedBuild Build = new(new BuildRequest("p/s_1.0/1/amd64", "p/s_1.0/1", "p", "s", "1.0", "amd64", BuildType.Any,
        0, DateTimeOffset.UtcNow, "s_1.0.dsc", ["s_1.0.dsc"], "/fake"), 1, []);

    private static WaitReasons.Slot Slot(string name, SlotState state, bool free = false, string? reason = null, string arch = "amd64") =>
        new(name, state, [arch], free, reason);

    [Fact]
    public void Should_NameEachUnavailableSlotAndWhy_When_NoFittingSlotTakesBuilds()
    {
        // Given one slot drained and one offline with its reason, and one of another architecture
        WaitReasons.Slot[] table =
        [
            Slot("b1/u2", SlotState.Draining),
            Slot("b2/u1", SlotState.Offline, reason: "host down: connection refused"),
            Slot("b3/u1", SlotState.Idle, free: true, arch: "armhf"),
        ];

        // Then both are named
        Assert.Equal((WaitKind.SlotsUnavailable, "slots b1/u2 drained, b2/u1 offline (host down: connection refused)"), new WaitReasons(table).Of(Build, 0));
    }

    [Fact]
    public void Should_SayTheSlotsAreBusyAndNameTheOthers_When_SomeAreBusyAndTheRestDrained()
    {
        // Given four busy slots and a drained one
        var table = Enumerable.Range(1, 4).Select(i => Slot($"b1/u{i}", SlotState.Busy)).Append(Slot("b1/u5", SlotState.Draining)).ToList();

        // Then the reason counts the busy ones and names the drained one
        Assert.Equal((WaitKind.SlotsBusy, "all 4 amd64 slots busy; 3 builds ahead of it; also b1/u5 drained"), new WaitReasons(table).Of(Build, 3));
    }

    [Fact]
    public void Should_SayItIsNext_When_AFittingSlotIsFree()
    {
        Assert.Equal((WaitKind.Dispatching, "next for free slot b1/u1"), new WaitReasons([Slot("b1/u1", SlotState.Idle, free: true)]).Of(Build, 0));
    }
}
