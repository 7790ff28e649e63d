namespace Autobuilder.Benchmarks.Stage;

/// <summary>
/// reprepro (5.3.1 in Debian 12) on its own folder, signing with the same throwaway key as ours
/// (GNUPGHOME is set for the benchmark process and inherited). Every run goes through
/// <see cref="Measure.Run"/>: a real process, wall and CPU time.
/// </summary>
internal sealed class RepreproArchive
{
    private readonly string _root;
    private readonly string _fingerprint;

    public RepreproArchive(string root, string fingerprint)
    {
        _root = root;
        _fingerprint = fingerprint;
        if (Directory.Exists(root))
            Directory.Delete(root, recursive: true);
        Directory.CreateDirectory(Path.Combine(root, "conf"));
        Configure(xz: false);
    }

    public string Root => _root;

    /// <summary>
    /// conf/distributions. The indices match what our stage serves: Packages.gz (and .xz), not the
    /// uncompressed Packages (reprepro's default also writes that), and Sources (our stage publishes
    /// sources since issue 12).
    /// </summary>
    public void Configure(bool xz) =>
        File.WriteAllText(Path.Combine(_root, "conf", "distributions"), $"""
            Origin: Bench
            Label: Bench
            Codename: {StageUploads.Product}
            Suite: {StageUploads.Product}
            Architectures: amd64 source
            Components: main
            Description: the reprepro side of the stage benchmark
            SignWith: {_fingerprint}
            DebIndices: Packages Release .gz{(xz ? " .xz" : "")}
            DscIndices: Sources Release .gz{(xz ? " .xz" : "")}

            """.Replace("\r\n", "\n"));

    /// <summary>includedeb of every .deb without exporting (in batches: the argument list has a limit), then one export.</summary>
    public (double Wall, double Cpu) Import(string uploads, int count)
    {
        double wall = 0, cpu = 0;
        foreach (var batch in Enumerable.Range(0, count).Chunk(2_000))
        {
            wall += Measure.Run("/dev/null", "reprepro",
                ["-b", _root, "--silent", "--export=never", "includedeb", StageUploads.Product, .. batch.Select(i => Path.Combine(uploads, StageUploads.Deb(i)))]);
            cpu += Measure.LastCpu;
        }
        wall += Measure.Run("/dev/null", "reprepro", "-b", _root, "--silent", "export", StageUploads.Product);
        cpu += Measure.LastCpu;
        return (wall, cpu);
    }

    /// <summary>Takes one upload's .changes (checks its sums, copies the .deb into the pool) and exports.</summary>
    public double Include(string changes) => Measure.Run("/dev/null", "reprepro", "-b", _root, "--silent", "include", StageUploads.Product, changes);

    public double Remove(string package) => Measure.Run("/dev/null", "reprepro", "-b", _root, "--silent", "remove", StageUploads.Product, package);

    public double Export() => Measure.Run("/dev/null", "reprepro", "-b", _root, "--silent", "export", StageUploads.Product);

    public string Suite => Path.Combine(_root, "dists", StageUploads.Product);

    /// <summary>The folder processincoming takes .changes (and their files) from.</summary>
    public string Incoming => Path.Combine(_root, "incoming");

    /// <summary>
    /// conf/incoming for <see cref="ProcessIncoming"/>, as an operator sets up reprepro's queue
    /// (the peer of our stage taking an upload): one rule set "bench" that takes .changes for the
    /// suite from <see cref="Incoming"/>; .buildinfo files dpkg-buildpackage lists are allowed through.
    /// </summary>
    public void ConfigureIncoming()
    {
        Directory.CreateDirectory(Incoming);
        Directory.CreateDirectory(Path.Combine(_root, "tmp"));
        File.WriteAllText(Path.Combine(_root, "conf", "incoming"), $"""
            Name: bench
            IncomingDir: {Incoming}
            TempDir: {Path.Combine(_root, "tmp")}
            Allow: {StageUploads.Product}
            Permit: unused_files
            Cleanup: on_deny on_error unused_files

            """.Replace("\r\n", "\n"));
    }

    /// <summary>reprepro processincoming, as cron runs it: every .changes in the queue taken (checked, pooled), then the indices exported and signed.</summary>
    public double ProcessIncoming() => Measure.Run("/dev/null", "reprepro", "-b", _root, "--silent", "processincoming", "bench");
}
