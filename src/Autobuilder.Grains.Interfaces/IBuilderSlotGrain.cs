namespace Autobuilder.Grains;

/// <summary>
/// One builder slot (key: "host/user"): runs one build at a time through its executor, heartbeats
/// while it runs, and reports the result to the upload and the scheduler.
/// </summary>
public interface IBuilderSlotGrain : IGrainWithStringKey
{
    /// <summary>Sets the slot up from configuration at silo start; a build cut off by a restart is reported lost.</summary>
    Task ConfigureAsync(SlotConfig config);

    /// <summary>Starts an attempt; a slot that is not idle refuses it by reporting back to the scheduler.</summary>
    [OneWay]
    Task StartAsync(BuildAssignment assignment);

    /// <summary>Tells the scheduler this slot's status (the scheduler asks after it restarts).</summary>
    [OneWay]
    Task AnnounceAsync();

    Task DrainAsync();

    Task EnableAsync();

    Task<SlotStatus> GetStatusAsync();

    /// <summary>Called by the slot's own build task when the executor is done.</summary>
    Task CompleteAsync(BuildResult result);
}
