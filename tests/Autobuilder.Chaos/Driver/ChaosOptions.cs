namespace Autobuilder.Chaos;

/// <summary>A chaos run: how many uploads and kills, the seed of every random choice, and where it works.</summary>
public sealed record ChaosOptions
{
    public int Uploads { get; init; } = 100;

    public int Kills { get; init; } = 20;

    /// <summary>Every random choice (the mix, the kill moments and aims, the operations) comes from this seed.</summary>
    public int Seed { get; init; } = Random.Shared.Next();

    /// <summary>Also runs the same mix without kills (a second silo, after), for the throughput ratio.</summary>
    public bool Baseline { get; init; }

    /// <summary>Uploads dropped and not yet settled at most (the driver waits for one to settle before dropping more).</summary>
    public int InFlight { get; init; } = 6;

    /// <summary>A maintenance operation (promotion, clean-up, rollback) after every this many uploads.</summary>
    public int OperationEvery { get; init; } = 8;

    /// <summary>The stage's grace period for unreferenced pool files: short, so the run's clean-ups really remove some.</summary>
    public TimeSpan PoolGrace { get; init; } = TimeSpan.FromSeconds(36);

    /// <summary>The whole run (drops, kills and settling) must end within this, or the uploads still open are reported as stuck.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>How long one start of the silo may take before the run fails (generous: a loaded machine starts slowly; recovery times are reported either way).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(180);

    /// <summary>Builder slots of the silo of role all (unix users abbuild1…N; scripts/install-deps makes three).</summary>
    public int Slots { get; init; } = 3;

    /// <summary>
    /// Makes one upload's files in the folder given and returns its .dsc (the default: dpkg-source
    /// only, unsigned, as role all takes it; a cluster whose garage requires signatures passes one
    /// that also makes and signs the .changes as debsign does).
    /// </summary>
    public Func<PlannedUpload, string, string>? MakeSource { get; init; }

    /// <summary>Folder for the silo's data root and the prepared packages.</summary>
    public required string WorkRoot { get; init; }

    public Action<string> Log { get; init; } = Console.WriteLine;
}
