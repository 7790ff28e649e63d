using Autobuilder.Grains;

namespace Autobuilder.Silo.Tests.Cluster;

/// <summary>Polls the cluster until a condition holds, failing with what was last seen.</summary>
public static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<(bool Done, T Value, string Last)>> probe, string expectation, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var (done, value, text) = await probe();
                if (done)
                    return value;
                last = text;
            }
            catch (Exception ex)
            {
                // A silo that is starting or was just killed may refuse a call or two.
                last = ex.Message;
            }
            await Task.Delay(300);
        }
        throw new TimeoutException($"waiting for {expectation} ({seconds} s); last seen:\n{last}");
    }

    public static Task<T> UntilAsync<T>(Func<(bool Done, T Value, string Last)> probe, string expectation, int seconds = 60) =>
        UntilAsync(() => Task.FromResult(probe()), expectation, seconds);

    /// <summary>Until the scheduler (asked through <paramref name="silo"/>) lists <paramref name="slot"/> in <paramref name="state"/>.</summary>
    public static Task<SlotStatus> SlotAsync(SiloProcess silo, string slot, SlotState state, int seconds = 60) =>
        UntilAsync(async () =>
        {
            var status = await silo.Grains.GetGrain<IBuildSchedulerGrain>(0).GetStatusAsync();
            var s = status.Slots.FirstOrDefault(x => x.Slot == slot);
            return (s?.State == state, s!, string.Join("\n", status.Slots.Select(x => $"{x.Slot}: {x.State} {x.Reason}")));
        }, $"slot {slot} to be {state}", seconds);
}
