using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Debian;
using Autobuilder.Debian.Safety;
using Autobuilder.Debian.Uploads;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Uploads;

/// <summary>
/// <c>autobuilder upload FILE.dsc</c>: puts a source package into incoming for those who do not
/// use scp or dput. The named files go first and the .dsc last, each under a temporary name and
/// renamed, so intake never sees half a file.
/// </summary>
public sealed class UploadCommand : Command<UploadCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE.dsc>")]
        [Description("The .dsc to upload; the files it names are taken from its folder.")]
        public string Dsc { get; init; } = "";

        [CommandOption("--product <PRODUCT>")]
        [Description("Product (distribution) to build for; default: the first product of the configuration.")]
        public string? Product { get; init; }

        [CommandOption("--data-root <DIR>")]
        [Description("The autobuilder's data root (default: $AUTOBUILDER_DATA_ROOT, else DataRoot of --config, else ./var).")]
        public string? DataRoot { get; init; }

        [CommandOption("--config <FILE>")]
        [Description("Silo configuration to read the data root and products from (default: silo-config/all.json if present).")]
        public string? Config { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var dsc = DscFile.Load(settings.Dsc);
        var folder = Path.GetDirectoryName(Path.GetFullPath(settings.Dsc))!;
        var problems = UploadFileVerifier.Verify(dsc, folder);
        if (problems.Count > 0)
            throw new DebianFormatException($"{settings.Dsc} is not ready to upload: {string.Join("; ", problems.Select(p => p.Message))}");

        var config = SiloConfigFile.Read(settings.Config);
        var product = settings.Product ?? config.Products.FirstOrDefault()
            ?? throw new ConsoleException("no product given and none configured: pass --product NAME");
        FileNames.Require(product, "--product");
        var root = settings.DataRoot ?? Environment.GetEnvironmentVariable("AUTOBUILDER_DATA_ROOT") ?? config.DataRoot ?? "./var";
        var incoming = Path.Combine(Path.GetFullPath(root), "incoming", product);
        if (!Directory.Exists(incoming))
            throw new ConsoleException($"{incoming} does not exist: is '{product}' a configured product, and has the silo run once with data root {root}?");

        foreach (var file in dsc.Files)
            CopyInto(Path.Combine(folder, file.Name), incoming);
        CopyInto(Path.GetFullPath(settings.Dsc), incoming);
        var id = $"{product}/{dsc.Source}_{dsc.Version}";
        Console.WriteLine($"Uploaded {Path.GetFileName(settings.Dsc)} and {dsc.Files.Count} file(s) to {incoming}.");
        Console.WriteLine($"Follow it with: autobuilder uploads list   (its id starts with {id}/)");
        return 0;
    }

    private static void CopyInto(string source, string folder)
    {
        var name = Path.GetFileName(source);
        var temp = Path.Combine(folder, $".{name}.{Guid.NewGuid():N}.part");
        File.Copy(source, temp);
        File.Move(temp, Path.Combine(folder, name), overwrite: true);
    }
}
