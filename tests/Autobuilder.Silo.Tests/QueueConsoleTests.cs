using System.Text.Json;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests;

/// <summary>
/// <c>queue --json</c> and <c>uploads rescore</c> through a real silo of its own (its slots are
/// drained by the test) with real builds: two slow builds hold both slots while others wait; the
/// configured base priority, the rescore, and each reason the slot table gives are checked.
/// Dep-wait reasons come from the dep-wait grain (QueueReasonTests checks their words).
/// </summary>
public sealed class QueueConsoleTests
{
    [Fact]
    public async Task Should_reorder_by_rescore_and_say_why_each_build_waits_When_builds_queue()
    {
        using var root = new TempDir("ab-queue-");
        var arch = SiloProcess.HostArchitecture;
        var other = arch == "armhf" ? "arm64" : "armhf";
        await using var silo = new SiloProcess(root["var"], config =>
        {
            var ab = config["Autobuilder"]!.AsObject();
            ab["Architectures"] = new System.Text.Json.Nodes.JsonArray(arch, other);
            // The slots build the host's architecture only (by default a slot builds all of them).
            foreach (var slot in ab["Slots"]!.AsArray())
                slot!["Architectures"] = new System.Text.Json.Nodes.JsonArray(arch);
            ab["Priorities"] = new System.Text.Json.Nodes.JsonObject
            {
                ["Base"] = new System.Text.Json.Nodes.JsonObject { ["extras-devel/bookworm"] = 5 },
            };
        });
        await silo.StartAsync();
        var scratch = root["scratch"];

        // Given two slow builds on the two slots, then two more builds and one for an architecture no slot builds
        Uploads.Drop(silo, new SourcePackage(Name: "ab-q-slow1", RulesBuild: "sleep 60"), scratch);
        Uploads.Drop(silo, new SourcePackage(Name: "ab-q-slow2", RulesBuild: "sleep 60"), scratch);
        await Uploads.WaitAsync(silo, "ab-q-slow1", d => d.Summary.State == UploadState.Building, "Building");
        await Uploads.WaitAsync(silo, "ab-q-slow2", d => d.Summary.State == UploadState.Building, "Building");
        Uploads.Drop(silo, new SourcePackage(Name: "ab-q-first"), scratch);
        var first = await Uploads.WaitAsync(silo, "ab-q-first", d => d.Summary.State == UploadState.Queued, "Queued");
        Uploads.Drop(silo, new SourcePackage(Name: "ab-q-second"), scratch);
        var second = await Uploads.WaitAsync(silo, "ab-q-second", d => d.Summary.State == UploadState.Queued, "Queued");
        Uploads.Drop(silo, new SourcePackage(Name: "ab-q-foreign", Architecture: other), scratch);
        var foreign = await Uploads.WaitAsync(silo, "ab-q-foreign", d => d.Summary.State == UploadState.Queued, "Queued");
        string Build(UploadDetails d, string a) => $"{d.Summary.Id}/{a}";

        // Then queue --json lists them oldest first at the configured priority, each with why it waits
        var waiting = Waiting(silo);
        Assert.Equal([Build(first, arch), Build(second, arch)], waiting.Where(w => w.Arch == arch).Select(w => w.Id));
        Assert.All(waiting, w => Assert.Equal(5, w.Priority));
        Assert.Equal(("slots-busy", $"all 2 {arch} slots busy"), Reason(waiting, Build(first, arch)));
        Assert.Equal(("slots-busy", $"all 2 {arch} slots busy; 1 build ahead of it"), Reason(waiting, Build(second, arch)));
        Assert.Equal(("no-slot", $"no slot builds {other}"), Reason(waiting, Build(foreign, other)));

        // When an operator rescores the second
        var rescore = AdminCli.Run(silo, "uploads", "rescore", second.Summary.Id, "50").Ok();

        // Then it goes first, says so, and the history and the audit log record it
        Assert.Contains($"{second.Summary.Id}: priority 50 (was 5)", rescore.Stdout);
        waiting = Waiting(silo);
        Assert.Equal([Build(second, arch), Build(first, arch)], waiting.Where(w => w.Arch == arch).Select(w => w.Id));
        Assert.Equal([50, 5], waiting.Where(w => w.Arch == arch).Select(w => w.Priority));
        var history = (await silo.Grains.GetGrain<IUploadGrain>(second.Summary.Id).GetDetailsAsync())!.History;
        Assert.Contains(history, h => h.Reason.StartsWith("priority 5 -> 50, set by ", StringComparison.Ordinal));
        Assert.Contains("priority 5 -> 50", AdminCli.Run(silo, "uploads", "show", second.Summary.Id).Ok().Stdout);
        var audit = AdminCli.Run(silo, "audit", "--json").Ok().Stdout;
        using (var doc = JsonDocument.Parse(audit))
            Assert.Contains(doc.RootElement.EnumerateArray(), e => e.GetProperty("what").GetString()!.Contains("IUploadGrain.RescoreAsync", StringComparison.Ordinal)
                && e.GetProperty("what").GetString()!.Contains(second.Summary.Id, StringComparison.Ordinal));

        // When both slots are drained
        AdminCli.Run(silo, "builders", "drain", "localhost/abbuild1").Ok();
        AdminCli.Run(silo, "builders", "drain", "localhost/abbuild2").Ok();

        // Then the waiting builds name the drained slots
        waiting = await WaitingUntilAsync(silo, w => Reason(w, Build(first, arch)).Kind == "slots-unavailable");
        Assert.Equal(("slots-unavailable", "slots localhost/abbuild1 drained, localhost/abbuild2 drained"), Reason(waiting, Build(first, arch)));
        Assert.Equal(("slots-unavailable", "slots localhost/abbuild1 drained, localhost/abbuild2 drained"), Reason(waiting, Build(second, arch)));

        // And the text view says the same
        var text = AdminCli.Run(silo, "queue").Ok().Stdout;
        Assert.Contains("slots localhost/abbuild1 drained, localhost/abbuild2 drained", text);
        Assert.Contains($"no slot builds {other}", text);

        foreach (var id in new[] { "ab-q-slow1", "ab-q-slow2" })
        {
            var d = await Uploads.WaitAsync(silo, id, _ => true, "listed");
            AdminCli.Run(silo, "uploads", "cancel", d.Summary.Id, "--reason", "test over");
        }
    }

    private sealed record Entry(string Id, string Arch, int Priority, string? Wait, string? Reason);

    private static List<Entry> Waiting(SiloProcess silo)
    {
        var json = AdminCli.Run(silo, "queue", "--json").Ok().Stdout;
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.GetProperty("waiting").EnumerateArray().Select(w => new Entry(
            w.GetProperty("buildId").GetString()!, w.GetProperty("architecture").GetString()!, w.GetProperty("priority").GetInt32(),
            w.TryGetProperty("wait", out var kind) && kind.ValueKind == JsonValueKind.String ? kind.GetString() : null,
            w.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString() : null))];
    }

    private static async Task<List<Entry>> WaitingUntilAsync(SiloProcess silo, Func<List<Entry>, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var last = Waiting(silo);
        while (!done(last) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(300);
            last = Waiting(silo);
        }
        return last;
    }

    private static (string? Kind, string? Reason) Reason(List<Entry> waiting, string buildId) =>
        waiting.FirstOrDefault(w => w.Id == buildId) is { } w ? (w.Wait, w.Reason) : ("not waiting", null);
}
