namespace Autobuilder.Silo.Tests.Qa;

/// <summary>
/// The grains' clock in the QA tests: the wall clock plus an offset the test moves forward (days
/// of quarantine pass at once, without waiting). Time still runs, so files become stable, leases
/// and timers behave; it only ever jumps forward.
/// </summary>
public sealed class MovableClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(by), "the clock moves forward only");
        Interlocked.Add(ref _offsetTicks, by.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
