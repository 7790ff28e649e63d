namespace Autobuilder.Silo.Intake;

/// <summary>
/// Lets the large lane give way to the small one. Nice 19 alone did not do it on two cores: a
/// 2 GiB upload's three sums and writes still delayed small uploads landing with it by 2.5 s. So
/// while any small upload waits, is taken or is being delivered, a large upload's copy pauses
/// between blocks — but never for longer than <see cref="LongestPause"/> at a time, so a steady
/// stream of small uploads slows a large one down without starving it.
/// </summary>
public sealed class LaneGate
{
    public static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private readonly ManualResetEventSlim _clear = new(initialState: true);
    private int _small;

    public int SmallInFlight
    {
        get { lock (_lock) return _small; }
    }

    public void SmallWaiting()
    {
        lock (_lock)
        {
            _small++;
            _clear.Reset();
        }
    }

    public void SmallDone()
    {
        lock (_lock)
        {
            if (_small > 0 && --_small == 0)
                _clear.Set();
        }
    }

    /// <summary>Called by a large copy between blocks: returns once no small upload is in flight, or after <see cref="LongestPause"/>.</summary>
    public void GiveWay(CancellationToken ct) => _clear.Wait(LongestPause, ct);
}
