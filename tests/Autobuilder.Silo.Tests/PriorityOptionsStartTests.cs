using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests;

/// <summary>The base priorities are checked when the silo starts: a bad entry stops it with the key and the reason.</summary>
public sealed class PriorityOptionsStartTests
{
    [Fact]
    public void Should_refuse_to_start_and_name_the_key_When_a_priority_names_an_unknown_product()
    {
        using var root = new TempDir("ab-prio-");
        var silo = new SiloProcess(root["var"], config =>
            config["Autobuilder"]!["Priorities"] = new System.Text.Json.Nodes.JsonObject
            {
                ["Base"] = new System.Text.Json.Nodes.JsonObject { ["extras-devel/sid"] = 10 },
            });

        var run = Tool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "autobuilder-silo.dll"), "--config", silo.ConfigPath],
            timeout: TimeSpan.FromSeconds(90));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Autobuilder:Priorities:Base:extras-devel/sid: no product 'sid' (products: bookworm)", run.Stderr, StringComparison.Ordinal);
    }
}
