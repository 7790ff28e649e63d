using Autobuilder.Testing;

namespace Autobuilder.Admin.Tests;

/// <summary>Runs the real <c>autobuilder</c> program (built next to the tests) as a separate process.</summary>
internal static class Cli
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "autobuilder.dll");

    public static ToolResult Run(params string[] args) => Tool.Run("dotnet", [Dll, .. args], timeout: TimeSpan.FromMinutes(1));

    public static ToolResult RunIn(string workingDirectory, params string[] args) =>
        Tool.Run("dotnet", [Dll, .. args], workingDirectory: workingDirectory);
}
