using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.BuildSources;
using Autobuilder.Silo.Execution.Sandbox;
using Autobuilder.Silo.Execution.Ssh;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Execution;

public sealed class BuildExecutorFactory(
    DataPaths paths,
    SshConnectionPool pool,
    IOptions<AutobuilderOptions> options,
    ILoggerFactory loggers,
    BuildSourceLocator? buildSources = null) : IBuildExecutorFactory
{
    // The runner ships next to the silo unless configured otherwise; found once.
    private readonly Lazy<string> _runner = new(() => options.Value.BuildRunner is { Length: > 0 } configured
        ? Path.GetFullPath(configured)
        : BuildRunnerScript.Locate() ?? throw new InvalidOperationException($"{BuildRunnerScript.FileName} is missing next to the silo's assembly"));

    // Local host-mode builds start as the slot's user through this (a root silo installs its script once).
    private readonly Lazy<BuildSandbox> _sandbox = new(() => BuildSandbox.FromOptions(options.Value));

    public IBuildExecutor Create(SlotConfig slot) => slot.Executor switch
    {
        SlotConfig.LocalExecutor => new LocalBuildExecutor(slot, paths, _runner.Value, _sandbox.Value, options.Value.BuildLimits, buildSources),
        SlotConfig.SshExecutor => new SshBuildExecutor(slot, paths, pool, options.Value.Ssh, loggers.CreateLogger<SshBuildExecutor>(), options.Value.BuildLimits, buildSources),
        _ => throw new InvalidOperationException($"slot {slot.Key}: executor '{slot.Executor}' is not available (local or ssh)"),
    };
}
