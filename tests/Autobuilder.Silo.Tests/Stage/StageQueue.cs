using Autobuilder.Debian.Tests.Indices;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>Drops built packages into a silo's repo-incoming and waits, by polling the grains, for what the stage made of them.</summary>
public static class StageQueue
{
    public static string Queue(SiloProcess silo, string repository, string product = "bookworm") =>
        Path.Combine(silo.DataRoot, "repo-incoming", repository, product);

    public static string Live(SiloProcess silo, string repository) => Path.Combine(silo.DataRoot, "repos", "live", repository);

    public static string Keyring(SiloProcess silo, string repository) => Path.Combine(Live(silo, repository), "archive-keyring.gpg");

    /// <summary>Builds <paramref name="package"/> in a fresh folder under <paramref name="scratch"/> and drops it into the queue; returns the .changes path.</summary>
    public static string Drop(SiloProcess silo, StagePackage package, string scratch, string repository = "extras-devel", Action<string>? tamper = null)
    {
        var folder = Path.Combine(scratch, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var changes = package.Build(folder);
        tamper?.Invoke(folder);
        StagePackage.Drop(changes, Queue(silo, repository));
        return changes;
    }

    /// <summary>Polls a distribution until <paramref name="done"/> holds and live is in sync with it; the timeout names the expectation and the last state.</summary>
    public static async Task<DistributionDetails> WaitAsync(SiloProcess silo, string distribution, Func<DistributionDetails, bool> done,
        string expectation, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        DistributionDetails? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await silo.Grains.GetGrain<IDistributionGrain>(distribution).GetDetailsAsync();
            if (done(last) && last.Status.InSync)
                return last;
            await Task.Delay(100);
        }
        var s = last?.Status;
        throw new TimeoutException($"waiting for {distribution} to be {expectation}: generation {s?.Generation}, published {s?.PublishedGeneration}, live {s?.LiveGeneration}, " +
            $"error {s?.LastError ?? "none"}, packages [{string.Join(", ", last?.Sources.Select(p => $"{p.Source} {p.Version}") ?? [])}], " +
            $"rejections [{string.Join("; ", s?.Rejections.Select(r => $"{r.Changes}: {string.Join(", ", r.Reasons)}") ?? [])}]\nsilo output:\n{silo.Output[^Math.Min(silo.Output.Length, 4000)..]}");
    }

    public static Task<DistributionDetails> WaitForAsync(SiloProcess silo, string distribution, string source, string version) =>
        WaitAsync(silo, distribution, d => d.Sources.Any(s => s.Source == source && s.Version == version), $"holding {source} {version}");

    public static Task<DistributionDetails> WaitForRejectionAsync(SiloProcess silo, string distribution, string changesName) =>
        WaitAsync(silo, distribution, d => d.Status.Rejections.Any(r => r.Changes == changesName), $"rejecting {changesName}");

    /// <summary>An apt sandbox whose only source is one distribution of the silo's live tree, checked with the repository's exported key.</summary>
    public static AptSandbox Apt(SiloProcess silo, string repository, string product = "bookworm", string? liveRoot = null) =>
        new($"deb [signed-by={Keyring(silo, repository)}] file:{liveRoot ?? Live(silo, repository)} {product} main");

    /// <summary>apt-get update must succeed without warnings or errors.</summary>
    public static void AssertCleanUpdate(ToolResult update)
    {
        Assert.True(update.ExitCode == 0, $"apt-get update failed:\n{update.Stdout}\n{update.Stderr}");
        Assert.DoesNotContain("W:", update.Stderr);
        Assert.DoesNotContain("E:", update.Stderr);
    }

    /// <summary>apt-get download, then dpkg -i into a throwaway root: the package installs as apt fetched it.</summary>
    public static string DownloadAndInstall(AptSandbox apt, string package, string root)
    {
        apt.Run("apt-get", "download", package).Ok();
        var deb = Directory.GetFiles(apt.Downloads, $"{package}_*.deb").Single();
        Directory.CreateDirectory(Path.Combine(root, "var", "lib", "dpkg", "info"));
        Directory.CreateDirectory(Path.Combine(root, "var", "lib", "dpkg", "updates"));
        File.WriteAllText(Path.Combine(root, "var", "lib", "dpkg", "status"), "");
        Tool.Run("dpkg", $"--root={root}", "--log=/dev/null", "-i", deb).Ok();
        var status = Tool.Run("dpkg-query", $"--root={root}", "-W", "-f=${Status} ${Version}", package).Ok().Stdout;
        Assert.StartsWith("install ok installed", status);
        File.Delete(deb);
        return status["install ok installed ".Length..].Trim();
    }
}
