using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Uploads;

/// <summary><c>autobuilder uploads show ID</c>: an upload's builds and the history of its transitions.</summary>
public sealed class UploadsShowCommand : AsyncCommand<UploadsShowCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<ID>")]
        [Description("Upload id, as 'uploads list' shows it (product/source_version/sequence).")]
        public string Id { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var details = await cluster.Grains.GetGrain<IUploadGrain>(settings.Id).GetDetailsAsync()
            ?? throw new ConsoleException($"no upload '{settings.Id}' (list them with: autobuilder uploads list)");
        if (settings.Json)
        {
            Output.WriteJson(details);
            return 0;
        }
        var s = details.Summary;
        Console.WriteLine($"Upload:   {s.Id}");
        Console.WriteLine($"Package:  {s.Source} {s.Version} for {s.Product}");
        Console.WriteLine($"State:    {s.State}{(s.Outcome is { } o && o != s.State ? $" (outcome: {o})" : "")}");
        var identity = details.Identity;
        Console.WriteLine($"Uploader: {identity?.Account ?? "-"}{(identity is null ? "" : $" ({identity.How})")}");
        if (identity?.SignerFingerprint is { } signer)
            Console.WriteLine($"Signer:   {signer}{(identity.SignedFile is { } signed ? $" (signature on {signed})" : "")}");
        Console.WriteLine($"Origin:   {UploadOrigin.Describe(details.Origin)}");
        Console.WriteLine($"Changed-By (unverified): {details.Uploader ?? "-"}");
        if (details.ChangesFileName is { } changes)
            Console.WriteLine($"Changes:  {changes}");
        Console.WriteLine($"Files in: {details.Folder ?? "-"}");
        // A rejection's reason is also one of the problems: each is printed once, with its check's details when it has them.
        var rejections = details.Rejections ?? [];
        foreach (var r in rejections)
            Console.WriteLine($"Problem:  {r.Reason} [{r.Check} refused {r.File}{(r.Field is { } f ? $" ({f})" : "")}: expected {r.Expected ?? "-"}, found {r.Found ?? "-"}]");
        foreach (var p in details.Problems.Where(p => rejections.All(r => r.Reason != p)))
            Console.WriteLine($"Problem:  {p}");
        foreach (var p in details.Publications ?? [])
            Console.WriteLine(p.Published
                ? $"Archive:  published in {p.Distribution}, generation {p.Generation} (live at {p.LiveAt?.UtcDateTime:yyyy-MM-dd HH:mm:ss'Z'})"
                : $"Archive:  rejected by {p.Distribution}: {string.Join("; ", p.Reasons)}{(p.RejectedFolder is { } rf ? $" (files kept in {rf} on the stage host)" : "")}");
        if (details.Latency is { } latency)
        {
            Console.WriteLine($"Latency:  {string.Join(", ", latency.Legs().Select(l => $"{l.Leg} {(l.Took is { } t ? $"{t.TotalSeconds:0.000} s" : "-")}"))}");
        }
        if (details.Builds.Count > 0)
        {
            Console.WriteLine();
            Output.WriteTable(["ARCH", "TYPE", "STATE", "OUTCOME", "ATTEMPT", "SLOT", "LOG"],
                details.Builds.Select(b => new[] { b.Architecture, b.Type.ToString(), b.State.ToString(), b.Outcome?.ToString() ?? "", b.Attempt.ToString(), b.Slot ?? "", b.LogPath ?? "" }));
            foreach (var b in details.Builds.Where(b => b.Diagnosis is not null))
                UploadDiagnosisOutput.Write(b.Architecture, b.Diagnosis!);
        }
        Console.WriteLine();
        Output.WriteTable(["WHEN", "FROM", "TO", "REASON"],
            details.History.Select(h => new[] { h.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'"), h.From.ToString(), h.To.ToString(), h.Reason }));
        return 0;
    }

}
