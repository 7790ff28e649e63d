using Autobuilder.Testing;

namespace Autobuilder.BuildRunner.Tests;

/// <summary>One finished run of the script and what it left in its build folder.</summary>
internal sealed record RunnerRun(ToolResult Process, string Folder)
{
    public int ExitCode => Process.ExitCode;
    public string Log => File.ReadAllText(Path.Combine(Folder, BuildRunnerFiles.Log));
    public BuildRunnerStateFile State => BuildRunnerStateFile.Load(Path.Combine(Folder, BuildRunnerFiles.State));
    public BuildRunnerResult Result => BuildRunnerResult.Read(Folder, ExitCode);

    /// <summary>Asserts the exit code, showing the whole output when it is another one.</summary>
    public RunnerRun AssertExit(int expected)
    {
        if (ExitCode != expected)
            Assert.Fail($"expected exit {expected}, got {this}");
        return this;
    }

    /// <summary>For assertion messages: everything needed to see why a run went another way.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Process.Stdout}\n--- stderr ---\n{Process.Stderr}";
}
