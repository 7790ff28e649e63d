using Autobuilder.Debian;
using Autobuilder.Debian.Indices;

// autobuilder-deb-scan deb scan DIR [--cache FILE] [--no-sha512]: the grammar of the console's
// 'deb scan' (src/Autobuilder.Admin/Commands/Deb/ScanCommand.cs), with its output and exit codes.
// Anything else (--help, a typo, a missing DIR) exits with UsageFallback before doing any work,
// and the ./autobuilder wrapper then hands the same arguments to the full console, so help and
// usage errors read exactly as they do for every other command.
const int UsageFallback = 64;

if (!ScanArguments.TryParse(args, out var parsed))
    return UsageFallback;
try
{
    var scan = PackageScanner.Scan(parsed.Directory, new PackageScanOptions
    {
        CacheFile = parsed.Cache,
        Sha512 = parsed.Sha512,
    });
    using var stdout = new BufferedStream(Console.OpenStandardOutput(), 1 << 20);
    scan.WriteTo(stdout);
    return 0;
}
// The same mapping as the console's ConsoleErrors for what a scan can throw: bad input is one
// line and exit 2; anything else is a bug, exit 70.
catch (Exception ex) when (ex is DebianFormatException or IOException or UnauthorizedAccessException or InvalidDataException)
{
    Console.Error.WriteLine($"autobuilder: error: {ex.Message.ReplaceLineEndings(" ")}");
    return 2;
}
catch (Exception ex)
{
    Console.Error.WriteLine($"autobuilder: error: internal error: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")} (set AUTOBUILDER_DEBUG=1 for a stack trace)");
    if (Environment.GetEnvironmentVariable("AUTOBUILDER_DEBUG") == "1")
        Console.Error.WriteLine(ex);
    return 70;
}

internal readonly record struct ScanArguments(string Directory, string? Cache, bool Sha512)
{
    /// <summary>
    /// 'deb scan', then exactly one folder and the two options in any order (as Spectre takes
    /// them: "--cache FILE" or "--cache=FILE"). False for anything else.
    /// </summary>
    public static bool TryParse(string[] args, out ScanArguments parsed)
    {
        parsed = default;
        if (args.Length < 3 || args[0] != "deb" || args[1] != "scan")
            return false;
        string? directory = null, cache = null;
        var sha512 = true;
        for (var i = 2; i < args.Length; i++)
        {
            var a = args[i];
            if (a == "--no-sha512")
                sha512 = false;
            else if (a == "--cache" && i + 1 < args.Length && !args[i + 1].StartsWith('-'))
                cache = args[++i];
            else if (a.StartsWith("--cache=", StringComparison.Ordinal) && a.Length > "--cache=".Length)
                cache = a["--cache=".Length..];
            else if (!a.StartsWith('-') && directory is null)
                directory = a;
            else
                return false;
        }
        if (directory is null)
            return false;
        parsed = new ScanArguments(directory, cache, sha512);
        return true;
    }
}
