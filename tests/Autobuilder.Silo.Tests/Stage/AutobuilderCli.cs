using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>The real <c>autobuilder</c> console (built beside the tests) against a test silo's gateway.</summary>
public static class AutobuilderCli
{
    public static ToolResult Run(SiloProcess silo, params string[] args) =>
        Tool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "autobuilder.dll"), .. args, .. silo.ConsoleArguments],
            timeout: TimeSpan.FromMinutes(1));
}
