using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Uploaders;

/// <summary>
/// One real silo (role all, signatures required, rights, source ownership, as a garage is set up)
/// for the bad-upload suite (issue 14, point 2). The whole campaign is dropped into its real
/// intake once, case after case as uploaders would, with short waits so that "files that arrive
/// over minutes" take seconds: an incomplete upload is given <see cref="IncompleteSeconds"/>, a
/// stray entry <see cref="StraySeconds"/>.
/// </summary>
public sealed class BadUploadSuiteFixture : IAsyncLifetime
{
    public const int IncompleteSeconds = 8;
    public const int StraySeconds = 3;

    private readonly Lazy<Task> _campaign;

    public BadUploadSuiteFixture()
    {
        Uploaders = new UploadersFixture("ab-baduploads-", ab =>
        {
            ab["IncompleteUploadSeconds"] = IncompleteSeconds;
            ab["Intake"]!["StraySeconds"] = StraySeconds;
        });
        _campaign = new Lazy<Task>(() => Task.Run(DropAllAsync));
    }

    public UploadersFixture Uploaders { get; }
    public SiloProcess Silo => Uploaders.Silo;

    /// <summary>Every case of <see cref="BadUploadSuiteTests.Cases"/> dropped into incoming (once, by the first test that asks).</summary>
    public Task Campaign => _campaign.Value;

    public Task InitializeAsync() => Uploaders.InitializeAsync();

    public Task DisposeAsync() => Uploaders.DisposeAsync();

    private async Task DropAllAsync()
    {
        // Made and dropped by three at a time (dpkg-source and gpg are most of a case's time); a case
        // that waits for another (an older version after a newer one) holds up no other.
        await Parallel.ForEachAsync(BadUploadSuiteTests.All, new ParallelOptions { MaxDegreeOfParallelism = 3 }, async (c, _) => await c.Drop(this));
    }
}

/// <summary>How a case must end.</summary>
public enum BadEnd
{
    /// <summary>An upload rejected with its reason: in its history, in REJECTED.txt beside its kept files in rejected/, in the mail.</summary>
    Rejected,

    /// <summary>Not an upload at all: set aside into stray/ with REASON.txt, nothing left in incoming.</summary>
    SetAside,

    /// <summary>A good upload after all (its files took their time): verified and queued.</summary>
    Taken,
}

/// <summary>One bad upload: how it is made and dropped, the words its reason must hold, and how it ends.</summary>
public sealed record BadCase(string Name, string Source, BadEnd End, string[] Words, Func<BadUploadSuiteFixture, Task> Drop,
    string Product = "bookworm", string? Version = null, bool Mailed = true)
{
    /// <summary>How its files in incoming begin (the source name as uploaders type it; lower case for a source name in capitals).</summary>
    public string Stem => Source.ToLowerInvariant();

    public override string ToString() => Name;
}

/// <summary>
/// The bad-upload suite (issue 14, point 2): 50 distinct hostile or broken uploads through the
/// real intake of one real silo, each checked for its end state and the words of its reason, and
/// a good upload dropped after them all still builds. The cases of the trust and uploaders issues
/// (links, pipes, devices, traversal, sizes, signatures, rights) and the malformed .changes, names
/// and versions that differ, MD5-only sums, a missing Architecture, an invalid Changed-By, files
/// that arrive slowly, a name that is not UTF-8. Each row's words are what an uploader reads.
/// </summary>
[Collection(BadUploadSuiteCollection.Name)]
public sealed class BadUploadSuiteTests(BadUploadSuiteFixture f)
{
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(120);

    public static IEnumerable<object[]> Cases() => All.Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Should_end_with_its_reason_When_a_bad_upload_goes_through_intake(string name)
    {
        var c = All.Single(x => x.Name == name);
        await f.Campaign;
        switch (c.End)
        {
            case BadEnd.Rejected:
                await AssertRejectedAsync(c);
                break;
            case BadEnd.SetAside:
                await AssertSetAsideAsync(c);
                break;
            case BadEnd.Taken:
                var taken = await WaitAsync(c, d => d.Summary.Settled || d.History.Any(h => h.To == UploadState.Queued), "queued");
                Assert.True(taken.Summary.State != UploadState.Rejected, $"{c.Name}: rejected: {taken.Summary.LastReason}");
                Assert.Contains(taken.History, h => h.To == UploadState.Queued);
                break;
        }
    }

    [Fact]
    public async Task Should_still_build_a_good_upload_When_every_bad_upload_has_gone_through()
    {
        await f.Campaign;
        foreach (var c in All.Where(c => c.End == BadEnd.Rejected))
            await WaitAsync(c, d => d.Summary.Settled, "settled");

        SignedSource.Build(new SourcePackage("bu-good"), f.Uploaders.Scratch).Sign(f.Uploaders.Jane).PutInto(f.Silo.Incoming());

        var done = await Uploads.WaitAsync(f.Silo, "bu-good", d => d.Summary.State is UploadState.Done or UploadState.Rejected, "done", TimeSpan.FromMinutes(4));
        Assert.True(done.Summary.Outcome == UploadState.Published, $"bu-good: {done.Summary.State}/{done.Summary.Outcome}: {done.Summary.LastReason}");
        Assert.Empty(Directory.EnumerateFileSystemEntries(f.Silo.Incoming()));
    }

    [Fact]
    public void Should_hold_at_least_forty_distinct_cases()
    {
        Assert.True(All.Count >= 40, $"{All.Count} cases");
        Assert.Equal(All.Count, All.Select(c => c.Name).Distinct().Count());
        Assert.Equal(All.Count, All.Select(c => (c.Source, c.Version, c.Product)).Distinct().Count());
        Assert.All(All, c => Assert.NotEmpty(c.Words));
    }

    /// <summary>The case's upload (its source, and its version when two cases share a source) once <paramref name="done"/> holds.</summary>
    private async Task<UploadDetails> WaitAsync(BadCase c, Func<UploadDetails, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + SettleTime;
        UploadDetails? last = null;
        while (DateTime.UtcNow < deadline)
        {
            var list = await f.Silo.Grains.GetGrain<IUploadRegistryGrain>(c.Product).ListAsync(500);
            if (list.Where(u => u.Source == c.Source && (c.Version is null || u.Version == c.Version)).OrderByDescending(u => u.ReceivedAt).FirstOrDefault() is { } summary)
            {
                last = await f.Silo.Grains.GetGrain<IUploadGrain>(summary.Id).GetDetailsAsync();
                if (last is not null && done(last))
                    return last;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{c.Name}: waiting for {c.Source} {c.Version} to be {what}: last state {last?.Summary.State}: {last?.Summary.LastReason}");
    }

    private async Task AssertRejectedAsync(BadCase c)
    {
        var rejected = await WaitAsync(c, d => d.Summary.Settled, "rejected and settled");
        Assert.True(rejected.Summary.State == UploadState.Rejected, $"{c.Name}: {rejected.Summary.State}/{rejected.Summary.Outcome}: {rejected.Summary.LastReason}");
        var reason = string.Join("\n", rejected.History.Where(h => h.To == UploadState.Rejected).Select(h => h.Reason));
        foreach (var word in c.Words)
            Assert.True(reason.Contains(word, StringComparison.Ordinal), $"{c.Name}: the reason lacks «{word}»:\n{reason}");

        // Kept where an operator finds them, with the reason beside them; nothing of it left in incoming.
        Assert.StartsWith(Path.Combine(f.Silo.DataRoot, "rejected"), rejected.Folder);
        var text = File.ReadAllText(Path.Combine(rejected.Folder!, "REJECTED.txt"));
        foreach (var word in c.Words)
            Assert.Contains(word, text);
        Assert.Empty(Directory.EnumerateFileSystemEntries(f.Silo.Incoming(c.Product), c.Stem + "_*"));

        if (!c.Mailed)
        {
            // Nobody to tell: the address the upload names is none (recorded, not retried for ever).
            await WaitAsync(c, d => d.History.Any(h => h.Reason.StartsWith("mail given up", StringComparison.Ordinal)), "mail given up");
            return;
        }
        var mail = await f.Uploaders.WaitForMailAsync(m => m.Subject?.StartsWith($"{rejected.Summary.Source} {rejected.Summary.Version} ({c.Product}): REJECTED", StringComparison.Ordinal) == true);
        // The mail puts each reason on a line of its own ("; " ends one).
        foreach (var part in c.Words.SelectMany(w => w.Split("; ")))
            Assert.Contains(part, mail.TextBody);
    }

    private async Task AssertSetAsideAsync(BadCase c)
    {
        var stray = Path.Combine(f.Silo.DataRoot, "stray", c.Product);
        var deadline = DateTime.UtcNow + SettleTime;
        string? found = null;
        while (found is null && DateTime.UtcNow < deadline)
        {
            found = Directory.Exists(stray)
                ? Directory.EnumerateFiles(stray, "REASON.txt", SearchOption.AllDirectories).Select(File.ReadAllText)
                    .FirstOrDefault(r => c.Words.All(w => r.Contains(w, StringComparison.Ordinal)))
                : null;
            if (found is null)
                await Task.Delay(300);
        }
        Assert.True(found is not null, $"{c.Name}: no REASON.txt in {stray} with «{string.Join("», «", c.Words)}»");
        Assert.Empty(Directory.EnumerateFileSystemEntries(f.Silo.Incoming(c.Product), c.Stem + "*"));
    }

    // ---- the cases ----

    private static SourcePackage Package(string name, string revision = "1") => new(name, Revision: revision);

    private static SignedSource Build(BadUploadSuiteFixture f, string name, string revision = "1") =>
        SignedSource.Build(Package(name, revision), f.Uploaders.Scratch);

    /// <summary>Signed by jane (the right, the owner): the case's own fault is its only one.</summary>
    private static SignedSource Jane(BadUploadSuiteFixture f, SignedSource u) => u.Sign(f.Uploaders.Jane);

    private static string In(BadUploadSuiteFixture f, string product = "bookworm")
    {
        var incoming = f.Silo.Incoming(product);
        Directory.CreateDirectory(incoming);
        return incoming;
    }

    /// <summary>Puts the files and the .changes, lets <paramref name="tamper"/> change them in incoming, then lands the .dsc by rename.</summary>
    private static void PutTampered(BadUploadSuiteFixture f, SignedSource u, Action<string> tamper, bool withChanges = false)
    {
        var incoming = In(f);
        foreach (var file in Directory.EnumerateFiles(u.Folder).Where(x => x != u.Dsc && (withChanges || x != u.Changes)))
            File.Copy(file, Path.Combine(incoming, Path.GetFileName(file)));
        tamper(incoming);
        Land(incoming, Path.GetFileName(u.Dsc), File.ReadAllBytes(u.Dsc));
    }

    private static void Land(string folder, string name, byte[] bytes)
    {
        var target = Path.Combine(folder, name);
        File.WriteAllBytes(target + ".part", bytes);
        File.Move(target + ".part", target);
    }

    private static void Land(string folder, string name, string text) => Land(folder, name, Encoding.UTF8.GetBytes(text));

    private static string Zeros(int n) => new('0', n);

    /// <summary>A hand-written .dsc (not signed) naming <paramref name="files"/> as "name size" pairs, with sums that are never compared.</summary>
    private static string HandDsc(string source, IEnumerable<(string Name, long Size)> files, string version = "1.0-1") =>
        $"Format: 3.0 (quilt)\nSource: {source}\nVersion: {version}\nArchitecture: any\nMaintainer: Test Uploader <uploader@example.org>\n"
        + "Checksums-Sha256:\n" + string.Concat(files.Select(x => $" {Zeros(64)} {x.Size} {x.Name}\n"))
        + "Files:\n" + string.Concat(files.Select(x => $" {Zeros(32)} {x.Size} {x.Name}\n"));

    private static Task Done(Action act)
    {
        act();
        return Task.CompletedTask;
    }

    private static string RemoveField(string text, string field)
    {
        // A field and its continuation lines (each starting with a space).
        var lines = text.Split('\n').ToList();
        var at = lines.FindIndex(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        if (at < 0)
            throw new InvalidOperationException($"no {field} field");
        var end = at + 1;
        while (end < lines.Count && lines[end].StartsWith(' '))
            end++;
        lines.RemoveRange(at, end - at);
        return string.Join('\n', lines);
    }

    private static string SetField(string text, string field, string value) =>
        string.Join('\n', text.Split('\n').Select(l => l.StartsWith(field + ":", StringComparison.Ordinal) ? $"{field}: {value}" : l));

    private static string OrigOf(SignedSource u) => Directory.EnumerateFiles(u.Folder, "*.orig.tar.gz").Single();

    public static readonly IReadOnlyList<BadCase> All =
    [
        // -- what the entries are (issue 10): never followed, opened or read --
        new("fifo-dsc", "bu-fifo", BadEnd.Rejected, ["bu-fifo_1.0-1.dsc: is a named pipe (FIFO), not a regular file"],
            f => Done(() => Tool.Run("mkfifo", Path.Combine(In(f), "bu-fifo_1.0-1.dsc")).Ok())),
        new("symlinked-dsc", "bu-dsclink", BadEnd.Rejected, ["bu-dsclink_1.0-1.dsc: is a symbolic link, not a regular file"],
            f => Done(() => File.CreateSymbolicLink(Path.Combine(In(f), "bu-dsclink_1.0-1.dsc"), "/etc/passwd"))),
        new("orig-linked-to-etc-shadow", "bu-shadow", BadEnd.Rejected, ["bu-shadow_1.0.orig.tar.gz: is a symbolic link, not a regular file"],
            f => Done(() => PutTampered(f, Build(f, "bu-shadow"), i =>
            {
                File.Delete(Path.Combine(i, "bu-shadow_1.0.orig.tar.gz"));
                File.CreateSymbolicLink(Path.Combine(i, "bu-shadow_1.0.orig.tar.gz"), "/etc/shadow");
            }))),
        new("debian-tarball-linked-to-dev-zero", "bu-zero", BadEnd.Rejected, ["bu-zero_1.0-1.debian.tar.xz: is a symbolic link, not a regular file"],
            f => Done(() => PutTampered(f, Build(f, "bu-zero"), i =>
            {
                File.Delete(Path.Combine(i, "bu-zero_1.0-1.debian.tar.xz"));
                File.CreateSymbolicLink(Path.Combine(i, "bu-zero_1.0-1.debian.tar.xz"), "/dev/zero");
            }))),
        new("orig-is-a-device", "bu-device", BadEnd.Rejected, ["bu-device_1.0.orig.tar.gz: is a character device, not a regular file"],
            f => Done(() => PutTampered(f, Build(f, "bu-device"), i =>
            {
                File.Delete(Path.Combine(i, "bu-device_1.0.orig.tar.gz"));
                Tool.Run("mknod", Path.Combine(i, "bu-device_1.0.orig.tar.gz"), "c", "1", "5").Ok();
            }))),
        new("dsc-is-a-folder", "bu-folder", BadEnd.Rejected, ["bu-folder_1.0-1.dsc: is a folder, not a regular file"],
            f => Done(() => Directory.CreateDirectory(Path.Combine(In(f), "bu-folder_1.0-1.dsc")))),
        new("dsc-names-itself", "bu-self", BadEnd.Rejected, ["bu-self_1.0-1.dsc: names itself in its Files list"],
            f => Done(() => Land(In(f), "bu-self_1.0-1.dsc", HandDsc("bu-self", [("bu-self_1.0-1.dsc", 300)])))),
        new("sparse-file-over-the-size-limit", "bu-sparse", BadEnd.Rejected,
            ["bu-sparse_1.0.orig.tar.gz: bu-sparse_1.0-1.dsc lists 68719476736 bytes (64 GiB), more than the 4294967296 bytes (4 GiB) one file may have"],
            f => Done(() =>
            {
                using (var sparse = new FileStream(Path.Combine(In(f), "bu-sparse_1.0.orig.tar.gz"), FileMode.CreateNew))
                    sparse.SetLength(64L << 30);
                Land(In(f), "bu-sparse_1.0-1.dsc", HandDsc("bu-sparse", [("bu-sparse_1.0.orig.tar.gz", 64L << 30)]));
            })),
        new("files-add-up-over-the-upload-limit", "bu-total", BadEnd.Rejected,
            ["bu-total_1.0-1.dsc: its files add up to 10737418240 bytes (10 GiB), more than the 8589934592 bytes (8 GiB) an upload may have"],
            f => Done(() => Land(In(f), "bu-total_1.0-1.dsc",
                HandDsc("bu-total", [("bu-total_1.0.orig.tar.gz", 3L << 30), ("bu-total_1.0.orig-a.tar.gz", 3L << 30), ("bu-total_1.0.orig-b.tar.gz", 4L << 30)])))),
        new("too-many-files", "bu-many", BadEnd.Rejected, ["bu-many_1.0-1.dsc: names 70 files, more than the 64 an upload may have (Autobuilder:Intake:MaxFiles)"],
            f => Done(() => Land(In(f), "bu-many_1.0-1.dsc", HandDsc("bu-many", Enumerable.Range(0, 70).Select(i => ($"bu-many_1.0.part{i}", 10L)))))),
        new("path-traversal-name", "bu-traversal", BadEnd.Rejected, ["bu-traversal_1.0-1.dsc: unsafe file name", "../../etc/passwd"],
            f => Done(() => Land(In(f), "bu-traversal_1.0-1.dsc", HandDsc("bu-traversal", [("../../etc/passwd", 100)])))),
        new("absolute-path-name", "bu-absolute", BadEnd.Rejected, ["bu-absolute_1.0-1.dsc: unsafe file name", "/etc/shadow"],
            f => Done(() => Land(In(f), "bu-absolute_1.0-1.dsc", HandDsc("bu-absolute", [("/etc/shadow", 100)])))),
        new("hidden-file-name", "bu-hidden", BadEnd.Rejected, ["bu-hidden_1.0-1.dsc: unsafe file name: '.bashrc' starts with '.' (hidden files are not taken)"],
            f => Done(() => Land(In(f), "bu-hidden_1.0-1.dsc", HandDsc("bu-hidden", [(".bashrc", 100)])))),
        new("dsc-over-the-dsc-limit", "bu-bigdsc", BadEnd.Rejected,
            ["bu-bigdsc_1.0-1.dsc: is 2097152 bytes (2 MiB), more than the 1048576 bytes (1 MiB) a .dsc may have (Autobuilder:Intake:MaxDscBytes), so it was not read"],
            f => Done(() => Land(In(f), "bu-bigdsc_1.0-1.dsc", new byte[2 << 20]))),
        new("dsc-of-random-bytes", "bu-garbage", BadEnd.Rejected, ["bu-garbage_1.0-1.dsc cannot be read"],
            f => Done(() => Land(In(f), "bu-garbage_1.0-1.dsc", RandomNumberGenerator.GetBytes(4000)))),
        new("empty-dsc", "bu-empty", BadEnd.Rejected, ["bu-empty_1.0-1.dsc cannot be read"],
            f => Done(() => Land(In(f), "bu-empty_1.0-1.dsc", []))),
        new("dsc-without-source-field", "bu-nosource", BadEnd.Rejected, ["bu-nosource_1.0-1.dsc cannot be read", "Source"],
            f => Done(() => Land(In(f), "bu-nosource_1.0-1.dsc", RemoveField(HandDsc("bu-nosource", [("bu-nosource_1.0.orig.tar.gz", 10)]), "Source")))),
        new("dsc-name-that-is-not-utf8", "bu-latin1", BadEnd.SetAside, ["the name bu-latin1_1.0-1\\xe9.dsc is not UTF-8"],
            f => Done(() =>
            {
                // "bu-latin1_1.0-1\xe9.dsc": a Latin-1 é, which no UTF-8 decoder reads back (.NET cannot even name it).
                Tool.Run("sh", "-c", "printf 'x' > \"$1/$(printf 'bu-latin1_1.0-1\\351.dsc')\"", "sh", In(f)).Ok();
            })),

        // -- what the .dsc says --
        new("dsc-without-architecture", "bu-noarch", BadEnd.Rejected, ["bu-noarch_1.0-1.dsc has no Architecture field"],
            f => Done(() => Jane(f, Build(f, "bu-noarch").EditDsc(t => RemoveField(t, "Architecture"))).PutInto(In(f)))),
        new("version-with-bad-characters", "bu-badver", BadEnd.Rejected, ["bu-badver_1.0-1.dsc: version '1.0-1!' is invalid: the revision contains the character '!'"],
            f => Done(() => Jane(f, Build(f, "bu-badver").EditDsc(t => SetField(t, "Version", "1.0-1!"))).PutInto(In(f), withChanges: false))),
        new("source-name-in-capitals", "Bu-Upper", BadEnd.Rejected, ["source name 'Bu-Upper' is not valid"],
            f => Done(() => Jane(f, Build(f, "bu-upper").EditDsc(t => SetField(t, "Source", "Bu-Upper"))).PutInto(In(f), withChanges: false))),
        new("md5-only-checksums", "bu-md5only", BadEnd.Rejected, ["bu-md5only_1.0.orig.tar.gz: not listed in Checksums-Sha256; MD5 alone is not trusted"],
            f => Done(() => Jane(f, Build(f, "bu-md5only").EditDsc(t => RemoveField(RemoveField(t, "Checksums-Sha1"), "Checksums-Sha256"))).PutInto(In(f)))),
        new("duplicate-file", "bu-dup", BadEnd.Rejected, ["bu-dup_1.0-1.dsc: field Files: 'bu-dup_1.0.orig.tar.gz' is listed twice"],
            f => Done(() => Jane(f, Build(f, "bu-dup").EditDsc(t => string.Join('\n', t.Split('\n')
                .SelectMany(l => l.EndsWith(" bu-dup_1.0.orig.tar.gz", StringComparison.Ordinal) ? new[] { l, l } : [l])))).PutInto(In(f)))),
        new("dsc-named-for-another-version", "bu-misnamed", BadEnd.Rejected, ["bu-misnamed_9.9-9.dsc says Source bu-misnamed and Version 1.0-1, so it must be named bu-misnamed_1.0-1.dsc"],
            f => Done(() =>
            {
                var u = Jane(f, Build(f, "bu-misnamed"));
                foreach (var file in Directory.EnumerateFiles(u.Folder).Where(x => x != u.Dsc && x != u.Changes))
                    File.Copy(file, Path.Combine(In(f), Path.GetFileName(file)));
                Land(In(f), "bu-misnamed_9.9-9.dsc", File.ReadAllBytes(u.Dsc));
            })),

        // -- the files against the .dsc --
        new("file-larger-than-listed", "bu-bigger", BadEnd.Rejected, ["bu-bigger_1.0.orig.tar.gz: size mismatch: expected"],
            f => Done(() => PutTampered(f, Jane(f, Build(f, "bu-bigger")), i => File.AppendAllText(Path.Combine(i, "bu-bigger_1.0.orig.tar.gz"), "more")))),
        new("file-with-wrong-sum", "bu-badsum", BadEnd.Rejected, ["bu-badsum_1.0.orig.tar.gz", "checksum mismatch"],
            f => Done(() => PutTampered(f, Jane(f, Build(f, "bu-badsum")), i =>
            {
                var path = Path.Combine(i, "bu-badsum_1.0.orig.tar.gz");
                var bytes = File.ReadAllBytes(path);
                bytes[^1] ^= 0xff;
                File.WriteAllBytes(path, bytes);
            }, withChanges: true))),
        new("file-never-uploaded", "bu-missing", BadEnd.Rejected,
            [$"bu-missing_1.0.orig.tar.gz: missing (named in bu-missing_1.0-1.dsc but not uploaded within {BadUploadSuiteFixture.IncompleteSeconds} s)"],
            f => Done(() => PutTampered(f, Jane(f, Build(f, "bu-missing")), i => File.Delete(Path.Combine(i, "bu-missing_1.0.orig.tar.gz")), withChanges: true))),
        new("file-that-never-completes", "bu-partial", BadEnd.Rejected,
            ["bu-partial_1.0.orig.tar.gz: only 100 of the", $"arrived within {BadUploadSuiteFixture.IncompleteSeconds} s (incomplete upload)"],
            f => Done(() => PutTampered(f, Jane(f, Build(f, "bu-partial")), i =>
            {
                var path = Path.Combine(i, "bu-partial_1.0.orig.tar.gz");
                File.WriteAllBytes(path, File.ReadAllBytes(path)[..100]);
            }, withChanges: true))),
        new("files-that-arrive-slowly-but-in-time", "bu-slow", BadEnd.Taken, ["queued"], SlowArrivalAsync, Version: "1.0-2"),
        new("unknown-distribution", "bu-sid", BadEnd.Rejected, ["unknown product 'sid' (this autobuilder builds for: bookworm)"],
            f => Done(() => Jane(f, Build(f, "bu-sid")).PutInto(In(f, "sid"))), Product: "sid"),

        // -- the .changes --
        new("changes-of-random-bytes", "bu-badchanges", BadEnd.Rejected, ["bu-badchanges_1.0-1_source.changes cannot be read"],
            f => Done(() =>
            {
                var u = Jane(f, Build(f, "bu-badchanges"));
                File.WriteAllBytes(u.Changes, RandomNumberGenerator.GetBytes(3000));
                u.PutInto(In(f));
            })),
        new("changes-over-the-limit", "bu-bigchanges", BadEnd.Rejected, ["bu-bigchanges_1.0-1_source.changes: is 2097152 bytes (2 MiB), more than the 1048576 bytes (1 MiB) a .changes may have"],
            f => Done(() =>
            {
                var u = Jane(f, Build(f, "bu-bigchanges"));
                File.WriteAllBytes(u.Changes, new byte[2 << 20]);
                u.PutInto(In(f));
            })),
        new("changes-for-another-source", "bu-othersource", BadEnd.Rejected, ["bu-othersource_1.0-1_source.changes is for source 'bu-elsewhere', but bu-othersource_1.0-1.dsc is 'bu-othersource'"],
            f => Done(() => Build(f, "bu-othersource").EditChanges(t => SetField(t, "Source", "bu-elsewhere")).Sign(f.Uploaders.Jane).PutInto(In(f)))),
        new("changes-for-another-version", "bu-otherversion", BadEnd.Rejected, ["bu-otherversion_1.0-1_source.changes is for version 1.0-7, but bu-otherversion_1.0-1.dsc is 1.0-1"],
            f => Done(() => Build(f, "bu-otherversion").EditChanges(t => SetField(t, "Version", "1.0-7")).Sign(f.Uploaders.Jane).PutInto(In(f)))),
        new("changes-without-architecture", "bu-changesnoarch", BadEnd.Rejected, ["bu-changesnoarch_1.0-1_source.changes has no Architecture field"],
            f => Done(() => Build(f, "bu-changesnoarch").EditChanges(t => RemoveField(t, "Architecture")).Sign(f.Uploaders.Jane).PutInto(In(f)))),
        new("binary-only-changes-with-the-dsc", "bu-binonly", BadEnd.Rejected, ["is not a source upload (its Architecture is 'amd64', without 'source')"],
            f => Done(() => Build(f, "bu-binonly").EditChanges(t => SetField(t, "Architecture", "amd64")).Sign(f.Uploaders.Jane).PutInto(In(f)))),
        new("binary-only-upload-without-a-dsc", "bu-debonly", BadEnd.SetAside, ["bu-debonly_1.0-1_amd64.changes names no .dsc (its Architecture is 'amd64')", "a binary-only upload is not taken"],
            f => Done(() =>
            {
                var changes = $"Format: 1.8\nSource: bu-debonly\nBinary: bu-debonly\nArchitecture: amd64\nVersion: 1.0-1\nDistribution: unstable\n"
                    + $"Maintainer: Test Uploader <uploader@example.org>\nChanges:\n bu-debonly (1.0-1) unstable; urgency=medium\n"
                    + $"Checksums-Sha256:\n {Zeros(64)} 4 bu-debonly_1.0-1_amd64.deb\nFiles:\n {Zeros(32)} 4 misc optional bu-debonly_1.0-1_amd64.deb\n";
                File.WriteAllText(Path.Combine(In(f), "bu-debonly_1.0-1_amd64.deb"), "!<ar");
                Land(In(f), "bu-debonly_1.0-1_amd64.changes", f.Uploaders.Jane.ClearSign(changes));
            })),
        new("changed-by-not-an-address", "bu-changedby", BadEnd.Rejected, ["bu-changedby_1.0-1_source.changes: Changed-By 'somebody' is not a name and an e-mail address"],
            f => Done(() => Build(f, "bu-changedby").EditChanges(t => SetField(t, "Changed-By", "somebody")).Sign(f.Uploaders.Jane).PutInto(In(f))), Mailed: false),
        new("changes-names-another-dsc", "bu-otherdsc", BadEnd.Rejected, ["bu-otherdsc_1.0-1_source.changes does not name bu-otherdsc_1.0-1.dsc in its Files (it names bu-otherdsc_1.0-0.dsc)"],
            f => Done(() =>
            {
                var u = Build(f, "bu-otherdsc");
                File.Copy(Build(f, "bu-otherdsc", "0").Changes, u.Changes, overwrite: true);
                u.Sign(f.Uploaders.Jane).PutInto(In(f));
            })),
        new("changes-with-a-wrong-sum", "bu-changessum", BadEnd.Rejected, ["bu-changessum_1.0-1_source.changes: bu-changessum_1.0.orig.tar.gz: checksum mismatch in Checksums-Sha256"],
            f => Done(() =>
            {
                var u = Build(f, "bu-changessum");
                var sum = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(OrigOf(u))));
                u.EditChanges(t => t.Replace(sum, Zeros(64), StringComparison.Ordinal)).Sign(f.Uploaders.Jane).PutInto(In(f));
            })),
        new("changes-lists-another-size", "bu-changessize", BadEnd.Rejected, ["bu-changessize_1.0.orig.tar.gz: bu-changessize_1.0-1_source.changes lists", "but bu-changessize_1.0-1.dsc lists"],
            f => Done(() =>
            {
                var u = Build(f, "bu-changessize");
                var size = new FileInfo(OrigOf(u)).Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
                u.EditChanges(t => string.Join('\n', t.Split('\n').Select(l => l.EndsWith(" bu-changessize_1.0.orig.tar.gz", StringComparison.Ordinal) ? l.Replace($" {size} ", " 99 ", StringComparison.Ordinal) : l)))
                    .Sign(f.Uploaders.Jane).PutInto(In(f));
            })),

        // -- signatures and accounts (issue 11) --
        new("unsigned", "bu-unsigned", BadEnd.Rejected, ["bu-unsigned_1.0-1_source.changes is not signed, but uploads to extras-devel must be (OpenPGP policy 'required')"],
            f => Done(() => Build(f, "bu-unsigned").PutInto(In(f)))),
        new("dsc-changed-after-signing", "bu-tampered", BadEnd.Rejected, ["is bad: bu-tampered_1.0-1.dsc was changed after it was signed"],
            f => Done(() =>
            {
                var u = Build(f, "bu-tampered").Sign(f.Uploaders.Jane, changes: false);
                File.WriteAllText(u.Dsc, File.ReadAllText(u.Dsc).Replace("Standards-Version: 4.6.2", "Standards-Version: 4.7.0", StringComparison.Ordinal));
                File.Delete(u.Changes);
                u.PutInto(In(f), withChanges: false);
            })),
        new("signature-of-random-bytes", "bu-badarmor", BadEnd.Rejected, ["the OpenPGP signature of bu-badarmor_1.0-1_source.changes is bad"],
            f => Done(() =>
            {
                var u = Build(f, "bu-badarmor");
                var text = f.Uploaders.Jane.ClearSign(File.ReadAllText(u.Changes));
                var begin = text.IndexOf("-----BEGIN PGP SIGNATURE-----", StringComparison.Ordinal);
                File.WriteAllText(u.Changes, text[..begin] + "-----BEGIN PGP SIGNATURE-----\n\n" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(90)) + "\n-----END PGP SIGNATURE-----\n");
                u.PutInto(In(f));
            })),
        new("key-no-account-has", "bu-stranger", BadEnd.Rejected, ["which no account of this autobuilder has"],
            f => Done(() => Build(f, "bu-stranger").Sign(f.Uploaders.Stranger).PutInto(In(f)))),
        new("expired-key", "bu-expired", BadEnd.Rejected, ["of account ezra expired on"],
            f => Done(() => Build(f, "bu-expired").Sign(f.Uploaders.Ezra).PutInto(In(f)))),
        new("disabled-account", "bu-disabled", BadEnd.Rejected, ["belongs to account dora, which is disabled: left the project"],
            f => Done(() => Build(f, "bu-disabled").Sign(f.Uploaders.Dora).PutInto(In(f)))),
        new("removed-key", "bu-removed", BadEnd.Rejected, ["of account remy was removed on"],
            f => Done(() => Build(f, "bu-removed").Sign(f.Uploaders.Remy).PutInto(In(f)))),
        new("signature-too-old", "bu-oldsig", BadEnd.Rejected, ["was made on", "more than 7 days ago"],
            f => Done(() => Build(f, "bu-oldsig").Sign(f.Uploaders.Olga, DateTimeOffset.UtcNow.AddDays(-8)).PutInto(In(f)))),
        new("no-upload-right", "bu-noright", BadEnd.Rejected, ["account bob may not upload to extras-devel/bookworm", "`autobuilder accounts grant bob extras-devel bookworm`"],
            f => Done(() => Build(f, "bu-noright").Sign(f.Uploaders.Bob).PutInto(In(f)))),
        new("dsc-and-changes-by-two-signers", "bu-twosigners", BadEnd.Rejected, ["both must be signed by the same uploader"],
            f => Done(() =>
            {
                var u = Build(f, "bu-twosigners").Sign(f.Uploaders.Carol, changes: false);
                u.Sign(f.Uploaders.Jane, dsc: false).PutInto(In(f));
            })),
        new("version-not-newer", "bu-slow", BadEnd.Rejected, ["version 1.0-1 of bu-slow is not newer than 1.0-2, already accepted for bookworm"], NotNewerAsync, Version: "1.0-1"),
    ];

    /// <summary>
    /// The orig tarball arrives in three parts over four seconds (of the eight an incomplete upload
    /// is given), the .dsc first: intake waits and takes it whole.
    /// </summary>
    private static async Task SlowArrivalAsync(BadUploadSuiteFixture f)
    {
        var u = Jane(f, Build(f, "bu-slow", "2"));
        var incoming = In(f);
        var orig = File.ReadAllBytes(OrigOf(u));
        var target = Path.Combine(incoming, Path.GetFileName(OrigOf(u)));
        foreach (var file in Directory.EnumerateFiles(u.Folder).Where(x => x != u.Dsc && x != OrigOf(u)))
            File.Copy(file, Path.Combine(incoming, Path.GetFileName(file)));
        await using (var stream = new FileStream(target, FileMode.CreateNew))
        {
            await stream.WriteAsync(orig.AsMemory(0, orig.Length / 3));
            await stream.FlushAsync();
            Land(incoming, Path.GetFileName(u.Dsc), File.ReadAllBytes(u.Dsc));
            await Task.Delay(2000);
            await stream.WriteAsync(orig.AsMemory(orig.Length / 3, orig.Length / 3));
            await stream.FlushAsync();
            await Task.Delay(2000);
            await stream.WriteAsync(orig.AsMemory(2 * (orig.Length / 3)));
        }
    }

    /// <summary>An older version of bu-slow, dropped once 1.0-2 was accepted.</summary>
    private static async Task NotNewerAsync(BadUploadSuiteFixture f)
    {
        await Uploads.WaitAsync(f.Silo, "bu-slow", d => d.Summary.Version == "1.0-2" && d.History.Any(h => h.To == UploadState.Queued || h.To == UploadState.Rejected),
            "1.0-2 queued", TimeSpan.FromSeconds(90));
        Jane(f, Build(f, "bu-slow")).PutInto(In(f));
    }
}

[CollectionDefinition(Name)]
public sealed class BadUploadSuiteCollection : ICollectionFixture<BadUploadSuiteFixture>
{
    public const string Name = "bad-upload-suite";
}
