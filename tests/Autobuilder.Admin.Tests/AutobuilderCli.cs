using Autobuilder.Testing;

namespace Autobuilder.Admin.Tests;

/// <summary>
/// Runs the built <c>autobuilder</c> CLI as a separate process, so tests see its real exit code,
/// stdout and stderr. The project reference copies autobuilder.dll next to the tests.
/// </summary>
public static class AutobuilderCli
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "autobuilder.dll");

    public static ToolResult Run(params string[] args)
    {
        if (!File.Exists(Dll))
            throw new FileNotFoundException($"the CLI was not built next to the tests: {Dll}");
        return Tool.Run("dotnet", [Dll, .. args], timeout: TimeSpan.FromMinutes(1));
    }
}
