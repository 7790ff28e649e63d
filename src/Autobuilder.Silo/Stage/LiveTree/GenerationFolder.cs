using System.Globalization;

namespace Autobuilder.Silo.Stage.LiveTree;

/// <summary>
/// A published generation's folder: "17", or "17.1", "17.2" … when generation 17 was published
/// again (a sync, or a retry after a crash) — a folder once made live is never rewritten in place.
/// </summary>
public sealed record GenerationFolder(long Generation, int Attempt, string Path)
{
    public const string PartialSuffix = ".partial";

    public string Name => System.IO.Path.GetFileName(Path);

    public static string NameOf(long generation, int attempt) =>
        attempt == 0 ? generation.ToString(CultureInfo.InvariantCulture) : $"{generation}.{attempt}";

    public static bool TryParse(string name, out long generation, out int attempt)
    {
        attempt = 0;
        var dot = name.IndexOf('.');
        var head = dot < 0 ? name : name[..dot];
        if (!long.TryParse(head, NumberStyles.None, CultureInfo.InvariantCulture, out generation))
            return false;
        return dot < 0 || int.TryParse(name.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out attempt);
    }

    /// <summary>Complete generation folders below <paramref name="root"/>, newest first.</summary>
    public static IReadOnlyList<GenerationFolder> List(string root)
    {
        if (!Directory.Exists(root))
            return [];
        return Directory.EnumerateDirectories(root)
            .Select(d => TryParse(System.IO.Path.GetFileName(d), out var g, out var a) ? new GenerationFolder(g, a, d) : null)
            .OfType<GenerationFolder>()
            .OrderByDescending(f => f.Generation).ThenByDescending(f => f.Attempt)
            .ToList();
    }
}
