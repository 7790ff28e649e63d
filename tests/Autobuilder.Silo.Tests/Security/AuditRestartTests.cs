using System.Text.Json;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Security;

/// <summary>The audit log is grain state: it survives the silo being killed and started again.</summary>
public sealed class AuditRestartTests
{
    [Fact]
    public async Task Should_keep_the_audit_log_When_the_silo_is_killed_and_started_again()
    {
        using var root = new TempDir("ab-audit-");
        await using var silo = new SiloProcess(root["var"]);
        await silo.StartAsync();
        AdminCli.Run(silo, "builders", "drain", "localhost/abbuild2").Ok();
        AdminCli.Run(silo, "builders", "enable", "localhost/abbuild2").Ok();

        await silo.KillAsync();
        await silo.StartAsync();
        var audit = AdminCli.Run(silo, "audit", "--json").Ok();

        using var doc = JsonDocument.Parse(audit.Stdout);
        var what = doc.RootElement.EnumerateArray().Select(e => e.GetProperty("what").GetString()).ToList();
        Assert.Equal(["IBuilderSlotGrain.DrainAsync([localhost/abbuild2])", "IBuilderSlotGrain.EnableAsync([localhost/abbuild2])"], what);
        Assert.All(doc.RootElement.EnumerateArray(), e => Assert.Equal("admin", e.GetProperty("role").GetString()));
    }
}
