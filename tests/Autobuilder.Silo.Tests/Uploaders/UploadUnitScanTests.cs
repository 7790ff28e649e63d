using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Silo.Intake;

namespace Autobuilder.Silo.Tests.Uploaders;

/// <summary>
/// Intake's scan deciding when an upload unit is complete, on real files made by dpkg-source and
/// dpkg-genchanges: a .changes brings its own files and is waited for whole; in an SSH or HTTP area
/// (written in place) a .dsc alone waits for dput's .changes, which comes last.
/// </summary>
public sealed class UploadUnitScanTests
{
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly UploadOrigin Ssh = new(UploadChannel.Ssh, "jane");

    private static (IncomingScan Scan, Clock Clock) NewScan()
    {
        var clock = new Clock(DateTimeOffset.UtcNow.AddSeconds(5));
        return (new IncomingScan(new IntakeOptions { BareDscSeconds = 10 }, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(600), clock), clock);
    }

    private static (string Folder, string Dsc, string Changes) Source(TempDir dir, string name)
    {
        var build = dir[$"build-{name}"];
        Directory.CreateDirectory(build);
        var changes = new SourcePackage(name).BuildSourceChanges(build);
        var area = dir[$"area-{name}"];
        Directory.CreateDirectory(area);
        return (build, Path.Combine(build, $"{name}_1.0-1.dsc"), changes);
    }

    private static void Copy(string file, string area) => File.Copy(file, Path.Combine(area, Path.GetFileName(file)));

    [Fact]
    public void Should_wait_for_the_changes_When_a_dsc_arrives_alone_in_an_ssh_area()
    {
        using var dir = new TempDir("ab-unit-");
        var (build, dsc, changes) = Source(dir, "unit-bare");
        var area = dir["area-unit-bare"];
        foreach (var file in Directory.EnumerateFiles(build).Where(f => f != changes))
            Copy(file, area);
        var (scan, clock) = NewScan();

        var early = scan.Ready("bookworm", area, Ssh).Uploads;
        Copy(changes, area);
        clock.Now = DateTimeOffset.UtcNow.AddSeconds(2);
        var withChanges = scan.Ready("bookworm", area, Ssh).Uploads;

        Assert.Empty(early);
        var unit = Assert.Single(withChanges);
        Assert.Equal("unit-bare_1.0-1_source.changes", unit.ChangesName);
        Assert.Equal(Ssh, unit.Origin);
        Assert.NotNull(unit.ChangesBytes);
    }

    [Fact]
    public void Should_take_a_bare_dsc_When_no_changes_came_within_the_wait()
    {
        using var dir = new TempDir("ab-unit-");
        var (build, _, changes) = Source(dir, "unit-alone");
        var area = dir["area-unit-alone"];
        foreach (var file in Directory.EnumerateFiles(build).Where(f => f != changes))
            Copy(file, area);
        var (scan, clock) = NewScan();

        var early = scan.Ready("bookworm", area, Ssh).Uploads;
        clock.Now = DateTimeOffset.UtcNow.AddSeconds(11);
        var late = scan.Ready("bookworm", area, Ssh).Uploads;
        var local = NewScan().Scan.Ready("bookworm", area, new UploadOrigin(UploadChannel.Local, null)).Uploads;

        Assert.Empty(early);
        Assert.Null(Assert.Single(late).ChangesName);
        // incoming/ on the garage is written by rename: a complete .dsc is taken at once.
        Assert.Single(local);
    }

    [Fact]
    public void Should_wait_for_every_file_the_changes_names_When_one_is_still_missing()
    {
        using var dir = new TempDir("ab-unit-");
        var (build, dsc, changes) = Source(dir, "unit-extra");
        var area = dir["area-unit-extra"];
        // A file the .changes names and the .dsc does not (as a .buildinfo is).
        File.WriteAllText(Path.Combine(build, "unit-extra_1.0-1_source.buildinfo"), "Format: 1.0\nSource: unit-extra\n");
        var sums = Tool.Run("sha256sum", Path.Combine(build, "unit-extra_1.0-1_source.buildinfo")).Ok().Stdout.Split(' ')[0];
        var size = new FileInfo(Path.Combine(build, "unit-extra_1.0-1_source.buildinfo")).Length;
        var md5 = Tool.Run("md5sum", Path.Combine(build, "unit-extra_1.0-1_source.buildinfo")).Ok().Stdout.Split(' ')[0];
        var sha1 = Tool.Run("sha1sum", Path.Combine(build, "unit-extra_1.0-1_source.buildinfo")).Ok().Stdout.Split(' ')[0];
        var text = File.ReadAllText(changes)
            .Replace("Checksums-Sha1:\n", $"Checksums-Sha1:\n {sha1} {size} unit-extra_1.0-1_source.buildinfo\n", StringComparison.Ordinal)
            .Replace("Checksums-Sha256:\n", $"Checksums-Sha256:\n {sums} {size} unit-extra_1.0-1_source.buildinfo\n", StringComparison.Ordinal)
            .Replace("Files:\n", $"Files:\n {md5} {size} misc optional unit-extra_1.0-1_source.buildinfo\n", StringComparison.Ordinal);
        File.WriteAllText(changes, text);
        foreach (var file in Directory.EnumerateFiles(build).Where(f => !f.EndsWith(".buildinfo", StringComparison.Ordinal)))
            Copy(file, area);
        var (scan, clock) = NewScan();

        clock.Now = DateTimeOffset.UtcNow.AddSeconds(30);
        var waiting = scan.Ready("bookworm", area, Ssh).Uploads;
        Copy(Path.Combine(build, "unit-extra_1.0-1_source.buildinfo"), area);
        clock.Now = DateTimeOffset.UtcNow.AddSeconds(2);
        var complete = scan.Ready("bookworm", area, Ssh).Uploads;

        Assert.Empty(waiting);
        var unit = Assert.Single(complete);
        Assert.Contains(unit.Files, f => f.Name == "unit-extra_1.0-1_source.buildinfo");
        Assert.Equal("unit-extra_1.0-1_source.changes", unit.ChangesName);
    }
}
