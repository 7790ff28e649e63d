using System.Text;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.Files;
using Autobuilder.Testing;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Tests.Files;

/// <summary>The diagnoser reads real log files: only their end, however large, with exact line numbers, and never through a link.</summary>
public sealed class BuildDiagnoserTests : IDisposable
{
    private readonly TempDir _root = new("ab-diag-");
    private readonly BuildDiagnoser _diagnoser;

    public BuildDiagnoserTests() =>
        _diagnoser = new BuildDiagnoser(new DataPaths(_root["var"]), Options.Create(new AutobuilderOptions { BuildRoot = _root["builds"] }));

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Should_ReadOnlyTheEndAndNumberItsLinesExactly_When_TheLogIsLargerThanTheWindow()
    {
        // Given a log larger than the window, with an error line early (outside it) and one at the end
        var log = Path.Combine(_root.Path, "big.log");
        var lines = 0;
        await using (var writer = new StreamWriter(log, false, new UTF8Encoding(false)))
        {
            await writer.WriteLineAsync("early.c:1:1: error: long before the end");
            lines++;
            var filler = new string('x', 99);
            for (long written = 0; written < BuildDiagnoser.ScanBytes + 4 * 1024 * 1024; written += filler.Length + 1)
            {
                await writer.WriteLineAsync(filler);
                lines++;
            }
            await writer.WriteLineAsync("late.c:2:3: error: at the end");
            lines++;
        }

        // When it is diagnosed
        var diagnosis = await _diagnoser.DiagnoseAsync(log, null, new DiagnosisContext("big", "1.0"));

        // Then only the end was read (the log is larger than the window), and the error there carries its true line number
        Assert.True(new FileInfo(log).Length > BuildDiagnoser.ScanBytes + 4 * 1024 * 1024);
        Assert.NotNull(diagnosis);
        Assert.Equal([$"line {lines}: late.c:2:3: error: at the end"], diagnosis.ErrorLines);
        Assert.Null(diagnosis.Diff);
    }

    [Fact]
    public async Task Should_SayTheGoodLogIsGone_When_ItWasCollected()
    {
        // Given a failed log and a last good build whose log retention removed
        var log = Path.Combine(_root.Path, "failed.log");
        await File.WriteAllTextAsync(log, "gcc -c a.c\na.c:1:1: error: bad\n");

        // When diagnosed against it
        var diagnosis = await _diagnoser.DiagnoseAsync(log, new GoodBuildLog(Path.Combine(_root.Path, "gone.log"), "bookworm/a_1.0-1/1", "1.0-1"),
            new DiagnosisContext("a", "1.1-1"));

        // Then the error lines are there, and the note says why there is no diff
        Assert.NotNull(diagnosis);
        Assert.Equal(["line 2: a.c:1:1: error: bad"], diagnosis.ErrorLines);
        Assert.Null(diagnosis.Diff);
        Assert.Equal("The log of the last good build (bookworm/a_1.0-1/1) is no longer kept: no diff against it.", diagnosis.Note);
    }

    [Fact]
    public async Task Should_ReadNothing_When_TheLogIsASymbolicLink()
    {
        // Given a log name that is a link to a file outside the logs
        var secret = Path.Combine(_root.Path, "secret");
        await File.WriteAllTextAsync(secret, "secret.c:1:1: error: must never be quoted\n");
        var log = Path.Combine(_root.Path, "link.log");
        File.CreateSymbolicLink(log, secret);

        // Then there is no diagnosis
        Assert.Null(await _diagnoser.DiagnoseAsync(log, null, new DiagnosisContext("a", "1.0")));
    }
}
