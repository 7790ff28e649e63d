using System.Diagnostics;
using System.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Silo.Hosting;

/// <summary>
/// One line once the silo has started (Orleans active, every start stage of ours run, the web
/// listeners up): how long since the process began, the CPU it spent, and how much of that the JIT
/// compiled. A restart is as long as this (docs/reliability.md, "Where a restart's time goes"); the
/// JIT figures show whether the precompiled build output is in use (build/ReadyToRunOutput.targets).
/// </summary>
public sealed partial class StartupReport(IHostApplicationLifetime lifetime, ILogger<StartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Report);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Report()
    {
        using var self = Process.GetCurrentProcess();
        LogStarted(logger, (DateTime.Now - self.StartTime).TotalSeconds, self.TotalProcessorTime.TotalSeconds,
            JitInfo.GetCompiledMethodCount(), JitInfo.GetCompilationTime().TotalSeconds);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Silo started {Seconds:0.00} s after the process began (CPU {Cpu:0.00} s; JIT compiled {Methods} methods in {JitSeconds:0.00} s)")]
    private static partial void LogStarted(ILogger logger, double seconds, double cpu, long methods, double jitSeconds);
}
