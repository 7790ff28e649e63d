namespace Autobuilder.Grains;

/// <summary>
/// The options of a timer that fires once: the retries of hand-offs, state writes and reports.
/// It keeps its activation alive: what such a timer still owes is held only in the activation's
/// memory until it succeeds.
/// </summary>
public static class OneShotTimer
{
    public static GrainTimerCreationOptions After(TimeSpan due) =>
        new() { DueTime = due, Period = Timeout.InfiniteTimeSpan, KeepAlive = true };
}
