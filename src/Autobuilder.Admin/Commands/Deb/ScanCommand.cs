using System.ComponentModel;
using Autobuilder.Debian.Indices;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Deb;

/// <summary>
/// <c>autobuilder deb scan DIR</c>: prints the Packages index of every .deb below DIR, field for
/// field as <c>apt-ftparchive packages DIR</c> prints it. All the work is in
/// <see cref="PackageScanner"/>; this only maps options and writes stdout.
/// </summary>
public sealed class ScanCommand : Command<ScanCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<DIR>")]
        [Description("Folder to scan, recursively, for *.deb files. Filename fields start with it, as with apt-ftparchive.")]
        public string Directory { get; init; } = "";

        [CommandOption("--cache <FILE>")]
        [Description("Keep stanzas in FILE; a .deb whose path, size and mtime are unchanged is not read again.")]
        public string? Cache { get; init; }

        [CommandOption("--no-sha512")]
        [Description("Leave out SHA512 fields (like apt-ftparchive -o APT::FTPArchive::SHA512=false).")]
        public bool NoSha512 { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var scan = PackageScanner.Scan(settings.Directory, new PackageScanOptions
        {
            CacheFile = settings.Cache,
            Sha512 = !settings.NoSha512,
        });
        using var stdout = new BufferedStream(Console.OpenStandardOutput(), 1 << 20);
        scan.WriteTo(stdout);
        return 0;
    }
}
