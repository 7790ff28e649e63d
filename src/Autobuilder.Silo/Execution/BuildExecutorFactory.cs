using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;

namespace Autobuilder.Silo.Execution;

public sealed class BuildExecutorFactory(DataPaths paths) : IBuildExecutorFactory
{
    // The runner ships next to the silo; found once.
    private readonly Lazy<string> _runner = new(() => BuildRunnerScript.Locate()
        ?? throw new InvalidOperationException($"{BuildRunnerScript.FileName} is missing next to the silo's assembly"));

    public IBuildExecutor Create(SlotConfig slot) => slot.Executor switch
    {
        "local" => new LocalBuildExecutor(slot, paths, _runner.Value),
        _ => throw new InvalidOperationException($"slot {slot.Key}: executor '{slot.Executor}' is not available (only 'local' so far)"),
    };
}
