using System.Text;
using System.Text.RegularExpressions;
using Autobuilder.Testing;

namespace Autobuilder.BuildRunner.Tests;

public class BuildRunnerScriptTests
{
    private static string ScriptText => Encoding.UTF8.GetString(BuildRunnerScript.ReadBytes());

    [Fact]
    public void Should_write_an_executable_copy_identical_to_the_shipped_one_When_WriteTo_is_called()
    {
        using var dir = new TempDir();

        var path = BuildRunnerScript.WriteTo(dir["deep/er/ab-build-runner"]);

        var located = BuildRunnerScript.Locate();
        Assert.NotNull(located);
        Assert.Equal(File.ReadAllBytes(located), File.ReadAllBytes(path));
        Assert.True(File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute | UnixFileMode.OtherExecute));
        Assert.Equal(["ab-build-runner"], Directory.GetFiles(dir["deep/er"]).Select(Path.GetFileName));
        Tool.Run("bash", "-n", path).Ok();
    }

    [Fact]
    public void Should_use_the_same_exit_codes_as_the_library_When_the_script_defines_them()
    {
        var line = ScriptText.Split('\n').Single(l => l.StartsWith("readonly EXIT_SUCCESS=", StringComparison.Ordinal));

        var codes = Regex.Matches(line, @"EXIT_(\w+)=(\d+)").ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value));

        Assert.Equal(BuildRunnerExitCodes.Success, codes["SUCCESS"]);
        Assert.Equal(BuildRunnerExitCodes.BuildFailed, codes["BUILD_FAILED"]);
        Assert.Equal(BuildRunnerExitCodes.DepWait, codes["DEP_WAIT"]);
        Assert.Equal(BuildRunnerExitCodes.BadSource, codes["BAD_SOURCE"]);
        Assert.Equal(BuildRunnerExitCodes.InfrastructureError, codes["INFRASTRUCTURE"]);
    }

    [Theory]
    [InlineData("LOG_FILE", BuildRunnerFiles.Log)]
    [InlineData("STATE_FILE", BuildRunnerFiles.State)]
    [InlineData("DEPWAIT_FILE", BuildRunnerFiles.DepWait)]
    [InlineData("RESULTS_DIR", BuildRunnerFiles.ResultsDirectory)]
    [InlineData("RESULTS_LIST", BuildRunnerFiles.ResultsList)]
    [InlineData("SOURCE_DIR", BuildRunnerFiles.SourceDirectory)]
    public void Should_use_the_same_file_names_as_the_library_When_the_script_defines_them(string variable, string name)
    {
        var defined = Regex.Match(ScriptText, $"^readonly {variable}=(.*)$", RegexOptions.Multiline);

        Assert.True(defined.Success, variable);
        Assert.Equal(name, defined.Groups[1].Value);
    }

    [Fact]
    public void Should_never_evaluate_strings_as_code_When_reading_the_script()
    {
        var code = ScriptText.Split('\n').Where(l => !l.TrimStart().StartsWith('#'));

        Assert.DoesNotContain(code, l => Regex.IsMatch(l, @"\beval\b|\bsh -c\b|\bbash -c\b"));
    }
}
