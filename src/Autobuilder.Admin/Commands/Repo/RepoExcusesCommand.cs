using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Repo;

/// <summary><c>autobuilder repo excuses REPO[/PRODUCT] [SOURCE] [--json]</c>: what holds each package from the next repository up (issue 15).</summary>
public sealed class RepoExcusesCommand : AsyncCommand<RepoExcusesCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<TARGET>")]
        [Description("A repository (extras-testing: each of its products) or one distribution (extras-testing/bookworm).")]
        public string Target { get; init; } = "";

        [CommandArgument(1, "[SOURCE]")]
        [Description("Only this source package.")]
        public string? Source { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var target = RepoTarget.Parse(settings.Target, "repo excuses");
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var keys = target.Product is not null
            ? [target.Key]
            : (await cluster.Grains.GetGrain<IRepositoryGrain>(target.Repository).GetInfoAsync()).Products.Select(p => $"{target.Repository}/{p}").ToList();
        var all = new List<QaExcuses>();
        foreach (var key in keys)
            all.Add(await cluster.Grains.GetGrain<IQaGrain>(key).GetExcusesAsync(settings.Source));
        if (settings.Json)
        {
            Output.WriteJson<object>(target.Product is not null ? all[0] : all);
            return 0;
        }
        foreach (var e in all)
            Write(e);
        return 0;
    }

    private static void Write(QaExcuses e)
    {
        Console.WriteLine(e.Step is null ? $"{e.Distribution}: no QA step leaves it" : $"{e.Distribution} → {e.To} ({e.Step})");
        if (e.Packages.Count == 0)
            Console.WriteLine("  no package waits to move");
        foreach (var p in e.Packages)
        {
            Console.WriteLine();
            Console.WriteLine($"{p.Source} {p.Version}" + (p.TargetVersion is { } t ? $" (target has {t})" : " (new in the target)")
                + (p.DaysIn is { } d ? $", {d:0.#} day(s) here" : "") + $", karma {p.Karma}" + (p.Requested is { } r ? $", {r}" : ""));
            foreach (var v in p.Votes)
                Console.WriteLine($"  vote {(v.Value > 0 ? "+1" : "-1")}{(v.Blocker ? " blocker" : "")} {v.Login} ({v.At:yyyy-MM-dd}): {v.Comment}"
                    + (v.VoidedReason is { } why ? $" [voided by {v.VoidedBy}: {why}]" : ""));
            if (p.Ready)
                Console.WriteLine("  nothing holds it: it moves at the next run (or autobuilder repo auto-promote)");
            foreach (var reason in p.Reasons)
                Console.WriteLine($"  {reason.Kind}: {reason.Text}");
        }
        if (e.Decisions.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Recent decisions:");
            foreach (var d in e.Decisions.TakeLast(10))
                Console.WriteLine($"  {d.At:yyyy-MM-dd HH:mm}Z {d.Kind} {d.Source} {d.Version} {d.From}{(d.To is { } to ? " → " + to : "")}: {d.Rule} (by {d.By})");
        }
        Console.WriteLine();
    }
}
