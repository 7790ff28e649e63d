using Autobuilder.Testing;

namespace Autobuilder.Admin.Tests;

/// <summary>Runs the built <c>autobuilder</c> command as a real process, so exit codes and stderr are what a user sees.</summary>
public static class Cli
{
    public static ToolResult Run(params string[] args) =>
        Tool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "autobuilder.dll"), .. args]);
}
