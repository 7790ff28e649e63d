using System.Security.Cryptography;
using Autobuilder.Testing;

namespace Autobuilder.Admin.Tests;

/// <summary>
/// Progress is for people at a terminal: the real console, its output redirected (a pipe, as in
/// scripts), prints exactly what it printed before and no control sequence; under a real
/// pseudo-terminal (script(1)) the same upload draws its progress bar.
/// </summary>
public sealed class ConsoleProgressTests
{
    /// <summary>A hand-made source package whose one tarball is larger than the progress threshold (random, so nothing shrinks it).</summary>
    private static string LargeUpload(TempDir dir)
    {
        var src = Directory.CreateDirectory(dir["src"]).FullName;
        var tarball = Path.Combine(src, "ab-large_1.0.tar.gz");
        var bytes = new byte[17 * 1024 * 1024];
        Random.Shared.NextBytes(bytes);
        File.WriteAllBytes(tarball, bytes);
        var size = bytes.Length;
        var dsc = Path.Combine(src, "ab-large_1.0.dsc");
        File.WriteAllText(dsc, $"""
            Format: 1.0
            Source: ab-large
            Binary: ab-large
            Architecture: any
            Version: 1.0
            Maintainer: Test Uploader <uploader@example.org>
            Standards-Version: 4.6.2
            Checksums-Sha1:
             {Convert.ToHexStringLower(SHA1.HashData(bytes))} {size} ab-large_1.0.tar.gz
            Checksums-Sha256:
             {Convert.ToHexStringLower(SHA256.HashData(bytes))} {size} ab-large_1.0.tar.gz
            Files:
             {Convert.ToHexStringLower(MD5.HashData(bytes))} {size} ab-large_1.0.tar.gz

            """);
        Directory.CreateDirectory(dir["var/incoming/bookworm"]);
        return dsc;
    }

    private static string Expected(TempDir dir) =>
        $"Uploaded ab-large_1.0.dsc (unsigned) and 1 file(s) to {dir["var/incoming/bookworm"]}.\n" +
        "Follow it with: autobuilder uploads list   (its id starts with bookworm/ab-large_1.0/)\n";

    [Fact]
    public void Should_print_only_its_result_lines_When_a_large_upload_is_piped()
    {
        using var dir = new TempDir();
        var dsc = LargeUpload(dir);

        var result = Cli.Run("upload", dsc, "--data-root", dir["var"], "--product", "bookworm");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Expected(dir), result.Stdout);
        Assert.Equal("", result.Stderr);
        Assert.DoesNotContain('\u001b', result.Stdout);
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir["src"], "ab-large_1.0.tar.gz")),
            File.ReadAllBytes(Path.Combine(dir["var/incoming/bookworm"], "ab-large_1.0.tar.gz")));
    }

    [Fact]
    public void Should_draw_a_progress_bar_When_a_large_upload_runs_at_a_terminal()
    {
        using var dir = new TempDir();
        var dsc = LargeUpload(dir);
        var command = string.Join(' ', new[] { "dotnet", Path.Combine(AppContext.BaseDirectory, Cli.Console), "upload", dsc,
            "--data-root", dir["var"], "--product", "bookworm" }.Select(a => "'" + a.Replace("'", "'\\''") + "'"));

        // script(1) gives the console a real pseudo-terminal; its own output is the terminal's.
        var result = Tool.Run("script", ["-q", "-e", "-c", command, "/dev/null"],
            environment: new Dictionary<string, string> { ["TERM"] = "xterm-256color", ["COLUMNS"] = "120" }, stdin: "");

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("\u001b[", result.Stdout);
        Assert.Contains("copying 1 file(s)", result.Stdout);
        // The result lines are still there, whole, after the bar cleared itself.
        var plain = result.Stdout.Replace("\r\n", "\n");
        Assert.Contains(Expected(dir).Split('\n')[1], plain);
        Assert.True(File.Exists(Path.Combine(dir["var/incoming/bookworm"], "ab-large_1.0.dsc")));
    }
}
