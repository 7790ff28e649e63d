using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>The real <c>autobuilder</c> console (built beside the tests) against a test silo's gateway.</summary>
public static class AutobuilderCli
{
    public static ToolResult Run(SiloProcess silo, params string[] args) =>
        Tool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "autobuilder.dll"), .. args, "--gateway", $"127.0.0.1:{silo.GatewayPort}"],
            timeout: TimeSpan.FromMinutes(1));
}
