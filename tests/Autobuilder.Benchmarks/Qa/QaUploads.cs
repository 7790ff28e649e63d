using System.Globalization;
using System.Runtime.InteropServices;
using Autobuilder.Debian.Checksums;

namespace Autobuilder.Benchmarks.Qa;

/// <summary>
/// The uploads of the QA benchmark: package qabench&lt;i&gt; (its own source) at 1.0-1, and for every
/// second candidate an older 0.9-1 the target holds (an update waiting). Each depends on libc6 and
/// on qabench&lt;i/2&gt; (so dose-debcheck follows chains through the target), some on libraries
/// and a virtual package of the Debian base (bookworm: the shipped BaseIndices); a tenth of the
/// candidates cannot be installed, half needing a package nobody has, half a version the target
/// lacks, so the excuses carry dose's explanations. Tiny .debs (<see cref="DebGenerator"/>) with a
/// binary-only .changes each, as the builder hands them to the stage.
/// </summary>
internal static partial class QaUploads
{
    public const string Product = "bookworm";
    public const string Current = "1.0-1";
    public const string Older = "0.9-1";
    public const string Newer = "1.1-1";

    /// <summary>Packages uploaded again at <see cref="Newer"/> to time a publish the candidates reach: every candidate's chain of qabench&lt;i/2&gt; ends at qabench1; qabench2 is on the chain of the candidates whose number starts with binary 10 (most of them at full size, none at --quick).</summary>
    public static readonly int[] Reaching = [1, 2];

    public static string Name(int i) => $"qabench{i}";

    public static string Changes(int i, string version) => $"{Name(i)}_{version}_amd64.changes";

    private static string Deb(int i, string version) => $"{Name(i)}_{version}_amd64.deb";

    /// <summary>Whether candidate <paramref name="i"/> (of <paramref name="packages"/>, the last <paramref name="candidates"/> being candidates) is meant to be uninstallable.</summary>
    public static bool Broken(int i, int packages, int candidates) => i >= packages - candidates && i < packages && i % 10 == 0;

    /// <summary>
    /// Writes uploads 0 … <paramref name="packages"/>+<paramref name="extra"/>-1 at <see cref="Current"/> and
    /// the even candidates at <see cref="Older"/> (in parallel), unless a marker says an earlier run did.
    /// </summary>
    public static void EnsureGenerated(string folder, int packages, int candidates, int extra)
    {
        var marker = Path.Combine(folder, ".generated");
        var what = $"{packages} {candidates} {extra} newer {string.Join(',', Reaching)}";
        if (File.Exists(marker) && File.ReadAllText(marker) == what)
            return;
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var data = DebGenerator.DataTarGz();
        Parallel.For(0, packages + extra, i =>
        {
            Write(folder, i, Current, Control(i, Current, packages, candidates), data);
            if (i >= packages - candidates && i < packages && i % 2 == 0)
                Write(folder, i, Older, Control(i, Older, packages, candidates), data);
            if (Reaching.Contains(i))
                Write(folder, i, Newer, Control(i, Newer, packages, candidates), data);
        });
        Console.Error.WriteLine($"qa: generated {packages + extra:N0} uploads (+ {candidates / 2:N0} older versions) in {sw.Elapsed.TotalSeconds:0.0} s");
        File.WriteAllText(marker, what);
    }

    private static string Control(int i, string version, int packages, int candidates)
    {
        var depends = new List<string> { "libc6 (>= 2.36)" };
        if (i > 0)
            depends.Add($"{Name(i / 2)} (>= 1.0)");
        if (i % 3 == 0)
            depends.Add("libglib2.0-0 (>= 2.74)");
        if (i % 5 == 0)
            depends.Add("default-dbus-session-bus | dbus-session-bus");
        if (i % 7 == 0)
            depends.Add("libssl3 (>= 3.0.0)");
        if (Broken(i, packages, candidates))
            depends.Add(i % 20 == 0 ? $"qabench-missing{i % 13} (>= 1)" : $"{Name(i / 2)} (>= 2.0)");
        return $"""
            Package: {Name(i)}
            Version: {version}
            Architecture: amd64
            Maintainer: Bench Maker <bench@example.org>
            Installed-Size: 8
            Depends: {string.Join(", ", depends)}
            Section: misc
            Priority: optional
            Description: generated package number {i}
             Generated for the QA benchmark.

            """.Replace("\r\n", "\n");
    }

    private static void Write(string folder, int i, string version, string control, byte[] data)
    {
        var deb = Path.Combine(folder, Deb(i, version));
        DebGenerator.Write(deb, control, data);
        Stage.StageUploads.WriteBinaryChanges(Path.Combine(folder, Changes(i, version)), deb, Name(i), version, i, "the QA benchmark");
    }

    /// <summary>Hard-links an upload into a queue folder, the .deb first and the .changes last, as the hand-off does.</summary>
    public static void Link(string from, string queue, int i, string version)
    {
        foreach (var name in new[] { Deb(i, version), Changes(i, version) })
        {
            if (LinkNative(Path.Combine(from, name), Path.Combine(queue, name)) != 0)
                File.Copy(Path.Combine(from, name), Path.Combine(queue, name));
        }
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkNative(string oldPath, string newPath);
}
