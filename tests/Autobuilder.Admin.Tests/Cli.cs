using Autobuilder.Testing;

namespace Autobuilder.Admin.Tests;

/// <summary>Runs the real <c>autobuilder</c> program (built next to the tests) as a separate process.</summary>
internal static class Cli
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "autobuilder.dll");

    public static ToolResult Run(params string[] args) => Tool.Run("dotnet", [Dll, .. args], timeout: TimeSpan.FromMinutes(1));

    /// <summary>The console's program.</summary>
    public const string Console = "autobuilder.dll";

    /// <summary>The separate 'deb scan' entry (src/Autobuilder.Admin.Scan), which ./autobuilder runs for that command.</summary>
    public const string ScanEntry = "autobuilder-deb-scan.dll";

    /// <summary>Runs <paramref name="program"/> (<see cref="Console"/> or <see cref="ScanEntry"/>), built next to the tests.</summary>
    public static ToolResult RunIn(string program, string workingDirectory, params string[] args) =>
        Tool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, program), .. args], workingDirectory: workingDirectory);
}
