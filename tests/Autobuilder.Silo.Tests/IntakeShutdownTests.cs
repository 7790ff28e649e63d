using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests;

/// <summary>
/// A silo stops on SIGTERM within a bound whatever lies in incoming (issue 10, point 9): a FIFO
/// there once held intake's scan in open(2) for good, and with it the silo's shutdown.
/// </summary>
public sealed class IntakeShutdownTests
{
    /// <summary>Intake's own bound (Autobuilder:Intake:StopSeconds, 5 s) plus the rest of a silo's stop, with room for a loaded machine.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_stop_on_sigterm_within_its_bound_When_a_fifo_lies_in_incoming()
    {
        using var root = new TempDir("ab-intake-stop-");
        await using var silo = new SiloProcess(root["var"], name: "intake-stop");
        await silo.StartAsync();
        var incoming = silo.Incoming();
        // A FIFO .dsc, and a .dsc whose tarball is a FIFO: neither may be opened, so neither can block.
        Tool.Run("mkfifo", Path.Combine(incoming, "ab-stuck_1.0-1.dsc")).Ok();
        Tool.Run("mkfifo", Path.Combine(incoming, "ab-pipe_1.0.orig.tar.gz")).Ok();
        File.WriteAllText(Path.Combine(incoming, "ab-pipe_1.0-1.dsc"),
            $"Format: 3.0 (quilt)\nSource: ab-pipe\nVersion: 1.0-1\nArchitecture: any\nFiles:\n {new string('0', 32)} 100 ab-pipe_1.0.orig.tar.gz\n");
        await Task.Delay(500);

        var stopped = await silo.TerminateAsync(Bound);

        Assert.True(stopped is not null, $"the silo was still running {Bound.TotalSeconds:0} s after SIGTERM:\n{silo.Output[^Math.Min(silo.Output.Length, 3000)..]}");
    }
}
