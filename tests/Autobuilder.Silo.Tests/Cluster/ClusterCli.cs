using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Cluster;

/// <summary>The real <c>autobuilder</c> console as a process, with whatever connection options the test gives.</summary>
public static class ClusterCli
{
    public static ToolResult Run(params string[] args) =>
        Tool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "autobuilder.dll"), .. args], timeout: TimeSpan.FromMinutes(1));
}
