using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests;

/// <summary>Puts uploads into a silo's incoming folder as scp would, and waits for their outcome.</summary>
public static class Uploads
{
    /// <summary>Builds <paramref name="package"/> with dpkg-source and copies it in: named files first, the .dsc last.</summary>
    public static string Drop(SiloProcess silo, SourcePackage package, string scratch, string product = "bookworm",
        Action<string>? tamper = null)
    {
        var build = Path.Combine(scratch, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(build);
        var dsc = package.BuildSource(build);
        tamper?.Invoke(build);
        return CopyIn(dsc, silo.Incoming(product));
    }

    public static string CopyIn(string dsc, string incoming)
    {
        Directory.CreateDirectory(incoming);
        var folder = Path.GetDirectoryName(dsc)!;
        foreach (var file in Directory.EnumerateFiles(folder).Where(f => f != dsc && !Directory.Exists(f)))
            File.Copy(file, Path.Combine(incoming, Path.GetFileName(file)), overwrite: true);
        var target = Path.Combine(incoming, Path.GetFileName(dsc));
        File.Copy(dsc, target + ".part", overwrite: true);
        File.Move(target + ".part", target, overwrite: true);
        return target;
    }

    /// <summary>
    /// Polls until an upload of <paramref name="source"/> (the newest, or number <paramref name="sequence"/>)
    /// satisfies <paramref name="done"/>; on timeout the message gives the id, the expectation and the last state.
    /// </summary>
    public static async Task<UploadDetails> WaitAsync(SiloProcess silo, string source, Func<UploadDetails, bool> done, string expectation,
        TimeSpan? timeout = null, string product = "bookworm", int? sequence = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        UploadDetails? last = null;
        while (DateTime.UtcNow < deadline)
        {
            var list = await silo.Grains.GetGrain<IUploadRegistryGrain>(product).ListAsync(500);
            var summary = list.Where(u => u.Source == source || u.Id.Split('/')[1].StartsWith(source + "_", StringComparison.Ordinal))
                .Where(u => sequence is null || u.Id.EndsWith("/" + sequence, StringComparison.Ordinal))
                .OrderByDescending(u => u.ReceivedAt).FirstOrDefault();
            if (summary is not null)
            {
                last = await silo.Grains.GetGrain<IUploadGrain>(summary.Id).GetDetailsAsync();
                if (last is not null && done(last))
                    return last;
            }
            await Task.Delay(200);
        }
        var history = last is null ? "no upload registered" : string.Join("\n  ", last.History.Select(h => $"{h.From} -> {h.To}: {h.Reason}"));
        throw new TimeoutException($"waiting for {source} ({product}) to be {expectation}: last state {last?.Summary.State}, outcome {last?.Summary.Outcome}\n  {history}\nsilo output:\n{silo.Output[^Math.Min(silo.Output.Length, 4000)..]}");
    }

    public static bool IsSettled(UploadDetails d) => d.Summary.Settled;
}
