using System.Diagnostics;
using Autobuilder.Silo.Intake;

namespace Autobuilder.Silo.Tests;

/// <summary>The large lane's copy gives way while small uploads are in flight, and is never starved.</summary>
public sealed class LaneGateTests
{
    [Fact]
    public void Should_pass_at_once_When_no_small_upload_is_in_flight()
    {
        var gate = new LaneGate();
        var watch = Stopwatch.StartNew();
        gate.GiveWay(CancellationToken.None);
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(500), $"waited {watch.Elapsed}");
    }

    [Fact]
    public async Task Should_hold_the_large_copy_until_the_last_small_upload_is_done_When_small_ones_are_in_flight()
    {
        var gate = new LaneGate();
        gate.SmallWaiting();
        gate.SmallWaiting();
        var passed = Task.Run(() => gate.GiveWay(CancellationToken.None));
        await Task.Delay(300);
        Assert.False(passed.IsCompleted);
        gate.SmallDone();
        await Task.Delay(300);
        Assert.False(passed.IsCompleted);
        gate.SmallDone();
        await passed.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(0, gate.SmallInFlight);
    }

    [Fact]
    public void Should_go_on_after_the_longest_pause_When_small_uploads_never_stop()
    {
        var gate = new LaneGate();
        gate.SmallWaiting();
        var watch = Stopwatch.StartNew();
        gate.GiveWay(CancellationToken.None);
        Assert.InRange(watch.Elapsed, LaneGate.LongestPause - TimeSpan.FromMilliseconds(50), LaneGate.LongestPause + TimeSpan.FromSeconds(2));
    }
}
