using System.Diagnostics;

namespace Autobuilder.Testing;

/// <summary>
/// The base tarball of the chroot tests, made with the real <c>autobuilder builders prepare-env</c>
/// (mmdebstrap, about 25 s and 445 MB) at most once per run and kept between runs in a cache folder:
/// <c>$AB_CHROOT_CACHE</c>, else /var/cache/autobuilder-tests/chroots (readable by the slot users of
/// the SSH tests, unlike root's home). A tarball older than <see cref="MaxAge"/> is made again.
/// Test processes of several assemblies may ask at once: a lock file makes them take turns, so the
/// second finds the first one's tarball.
/// The tarball holds debhelper (<see cref="Includes"/>): every package the tests build uses dh, and
/// installing debhelper with its ~40 dependencies from the mirror was most of each chroot build's
/// time. A tarball made without the same includes (its <c>.include</c> file says) is made again.
/// </summary>
public static class BaseTarballCache
{
    public const string Distribution = "bookworm";
    public const string Mirror = "http://deb.debian.org/debian";

    /// <summary>Every build upgrades its copy, so an old tarball still works; it only makes builds longer.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(7);

    /// <summary>
    /// Installed into the tarball (<c>prepare-env --include</c>). Not a build-dependency any chroot
    /// test is about: those (libpopt-dev, the tests' own packages) are still installed by sbuild.
    /// </summary>
    public static readonly IReadOnlyList<string> Includes = ["debhelper"];

    public static string Folder =>
        Environment.GetEnvironmentVariable("AB_CHROOT_CACHE") is { Length: > 0 } folder ? folder : "/var/cache/autobuilder-tests/chroots";

    /// <summary>
    /// Returns the tarball for <paramref name="architecture"/>, making it when missing or stale, and
    /// how long that took (zero when reused). Throws with a message that says what to do when the
    /// mirror cannot be reached or mmdebstrap fails: the chroot tests fail, they never skip.
    /// </summary>
    public static (string Path, TimeSpan Made) Ensure(string architecture)
    {
        RequireMirror();
        Directory.CreateDirectory(Folder);
        File.SetUnixFileMode(Folder, (UnixFileMode)0b111_101_101);
        using var gate = Lock(Path.Combine(Folder, ".lock"), TimeSpan.FromMinutes(10));
        var path = Path.Combine(Folder, $"{Distribution}-{architecture}.tar");
        var stamp = path + ".include";
        var wanted = string.Join('\n', Includes) + "\n";
        var fresh = File.Exists(path) && DateTime.UtcNow - File.GetLastWriteTimeUtc(path) < MaxAge
            && File.Exists(stamp) && File.ReadAllText(stamp) == wanted;
        if (fresh)
            return (path, TimeSpan.Zero);

        var cli = Path.Combine(AppContext.BaseDirectory, "autobuilder.dll");
        var clock = Stopwatch.StartNew();
        File.Delete(stamp);
        var run = Tool.Run("dotnet", [cli, "builders", "prepare-env", "--dist", Distribution, "--arch", architecture, "--out", Folder, "--refresh",
                .. Includes.SelectMany(p => new[] { "--include", p })],
            timeout: TimeSpan.FromMinutes(10));
        if (run.ExitCode != 0 || !File.Exists(path))
            throw new InvalidOperationException(
                $"the chroot tests could not make their base tarball {path} with 'autobuilder builders prepare-env' (exit {run.ExitCode}); " +
                $"they need mmdebstrap and the Debian mirror {Mirror}. Skip them with ./test.sh --filter 'Category!=Chroot'.\n" +
                $"stdout:\n{run.Stdout}\nstderr (last lines):\n{Tail(run.Stderr, 40)}");
        File.WriteAllText(stamp, wanted);
        return (path, clock.Elapsed);
    }

    /// <summary>Every chroot build installs its build-dependencies from the mirror: without it no chroot test can pass.</summary>
    private static void RequireMirror()
    {
        var release = $"{Mirror}/dists/{Distribution}/InRelease";
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
            using var request = new HttpRequestMessage(HttpMethod.Head, release);
            using var response = http.Send(request);
            response.EnsureSuccessStatusCode();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            throw new InvalidOperationException(
                $"the chroot tests need the Debian mirror {Mirror} (sbuild installs build-dependencies from it), " +
                $"but {release} did not answer: {ex.Message}. Skip them with ./test.sh --filter 'Category!=Chroot'.", ex);
        }
    }

    private static FileStream Lock(string path, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // FileShare.None takes an flock(2) on Linux: held by one process at a time.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (clock.Elapsed < timeout)
            {
                Thread.Sleep(500);
            }
        }
    }

    private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));
}
