using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests;

/// <summary>The real <c>autobuilder</c> console as a process, talking to a test silo's gateway.</summary>
public static class AdminCli
{
    public static ToolResult Run(SiloProcess silo, params string[] args) =>
        Tool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "autobuilder.dll"), .. args, .. silo.ConsoleArguments],
            timeout: TimeSpan.FromMinutes(1));
}
