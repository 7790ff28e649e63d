using System.ComponentModel;
using System.Text;
using Autobuilder.Admin.Cluster;
using Autobuilder.Debian;
using Autobuilder.Debian.Control;
using Autobuilder.Debian.Signing;
using Autobuilder.Debian.Safety;
using Autobuilder.Debian.Uploads;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Uploads;

/// <summary>
/// <c>autobuilder upload FILE.dsc|FILE.changes</c>: puts a source package into incoming for those
/// who do not use scp or dput. The named files go first, then the .changes, and the .dsc last (the
/// scan starts from the .dsc), each under a temporary name and renamed, so intake never sees half a
/// file. It signs (debsign-style clear signature with gpg, on the copy: the file given is not
/// changed) when a key is at hand: the quick start's key in &lt;data root&gt;/uploader-gnupg/, or
/// --gnupg-home/--key; given a .changes it signs the .changes (the .dsc's sums in it stay right).
/// Before the .dsc takes its name in incoming/, the console claims it over its certificate
/// (<see cref="ILocalUploadClaimsGrain"/>), so the garage records the operator who ran it; when no
/// silo answers, the upload goes in all the same, unrecorded, and the console says so.
/// </summary>
public sealed class UploadCommand : Command<UploadCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("The .dsc (or source .changes) to upload; the files it names are taken from its folder.")]
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

        [CommandOption("--sign")]
        [Description("Sign, and fail if no key is at hand (default: sign when the quick start's key exists).")]
        public bool Sign { get; init; }

        [CommandOption("--no-sign")]
        [Description("Upload as it is, unsigned if it is.")]
        public bool NoSign { get; init; }

        [CommandOption("--gnupg-home <DIR>")]
        [Description("GNUPGHOME holding the signing key (default: <data root>/uploader-gnupg, made by the quick start).")]
        public string? GnupgHome { get; init; }

        [CommandOption("--key <FINGERPRINT>")]
        [Description("Key to sign with (default: the quick start's key).")]
        public string? Key { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Sign && settings.NoSign)
            throw new ConsoleException("--sign and --no-sign contradict each other");
        var given = Path.GetFullPath(settings.Dsc);
        var folder = Path.GetDirectoryName(given)!;
        string? changesPath = null;
        string dscPath = given;
        var extra = new List<string>();
        if (given.EndsWith(".changes", StringComparison.Ordinal))
        {
            var changes = ChangesFile.Load(given);
            var problems = UploadFileVerifier.Verify(changes, folder);
            if (problems.Count > 0)
                throw new DebianFormatException($"{settings.Dsc} is not ready to upload: {string.Join("; ", problems.Select(p => p.Message))}");
            var dscName = changes.Files.Select(f => f.Name).SingleOrDefault(n => n.EndsWith(".dsc", StringComparison.Ordinal))
                ?? throw new ConsoleException($"{settings.Dsc} names no .dsc (or more than one): this autobuilder takes source uploads");
            changesPath = given;
            dscPath = Path.Combine(folder, dscName);
            extra.AddRange(changes.Files.Select(f => f.Name).Where(n => n != dscName));
        }
        var dsc = DscFile.Load(dscPath);
        var dscProblems = UploadFileVerifier.Verify(dsc, folder);
        if (dscProblems.Count > 0)
            throw new DebianFormatException($"{Path.GetFileName(dscPath)} is not ready to upload: {string.Join("; ", dscProblems.Select(p => p.Message))}");

        var config = SiloConfigFile.Read(settings.Config);
        var product = settings.Product ?? config.Products.FirstOrDefault()
            ?? throw new ConsoleException("no product given and none configured: pass --product NAME");
        FileNames.Require(product, "--product");
        var root = Path.GetFullPath(settings.DataRoot ?? Environment.GetEnvironmentVariable("AUTOBUILDER_DATA_ROOT") ?? config.DataRoot ?? "./var");
        var incoming = Path.Combine(root, "incoming", product);
        if (!Directory.Exists(incoming))
            throw new ConsoleException($"{incoming} does not exist: is '{product}' a configured product, and has the silo run once with data root {root}?");

        // The file that carries the signature: the .changes when there is one, as dput and dak have it.
        var signed = changesPath ?? dscPath;
        var signer = settings.NoSign ? null : Signer(settings, root);
        var alreadySigned = ClearSignedMessage.LooksSigned(File.ReadAllText(signed));
        if (settings.Sign && signer is null && !alreadySigned)
            throw new ConsoleException($"--sign: no signing key (none in {settings.GnupgHome ?? Path.Combine(root, "uploader-gnupg")}; pass --gnupg-home and --key)");

        // The .dsc's bytes as they will be in incoming/ (signed here when it is the signed file), claimed
        // before anything is copied: the claim may take seconds, and files named by no .dsc yet are
        // set aside as leftovers once IncompleteUploadSeconds have passed.
        var dscSigner = changesPath is null && !alreadySigned ? signer : null;
        var dscBytes = dscSigner is null ? File.ReadAllBytes(dscPath) : dscSigner.ClearSign(File.ReadAllBytes(dscPath));
        var recorded = Claim(settings, product, Path.GetFileName(dscPath), dscBytes, cancellationToken);
        var named = dsc.Files.Select(f => Path.Combine(folder, f.Name)).Concat(extra.Select(e => Path.Combine(folder, e))).Distinct().ToList();
        var total = named.Sum(f => new FileInfo(f).Length);
        if (total >= ProgressBytes)
        {
            // A large upload at a terminal: a bar of the bytes copied (nothing drawn into a pipe or file).
            ConsoleProgress.Bytes(json: false, $"copying {named.Count} file(s) to {incoming}", total, progress =>
            {
                foreach (var file in named)
                    CopyInto(file, incoming, null, progress);
            });
        }
        else
        {
            foreach (var file in named)
                CopyInto(file, incoming, null);
        }
        var how = "unsigned";
        if (alreadySigned)
            how = "signed as it was";
        else if (signer is not null)
            how = $"signed with key {signer.KeyId}";
        if (changesPath is not null)
            CopyInto(changesPath, incoming, alreadySigned ? null : signer);
        var dscTemp = Path.Combine(incoming, $".{Path.GetFileName(dscPath)}.{Guid.NewGuid():N}.part");
        File.WriteAllBytes(dscTemp, dscBytes);
        File.Move(dscTemp, Path.Combine(incoming, Path.GetFileName(dscPath)), overwrite: true);
        var id = $"{product}/{dsc.Source}_{dsc.Version}";
        if (recorded is not null)
            Console.WriteLine(recorded);
        Console.WriteLine($"Uploaded {Path.GetFileName(settings.Dsc)} ({how}) and {dsc.Files.Count + extra.Count} file(s) to {incoming}.");
        Console.WriteLine($"Follow it with: autobuilder uploads list   (its id starts with {id}/)");
        return 0;
    }

    /// <summary>The key to sign with: --gnupg-home/--key, else the quick start's (its marker names the fingerprint); null when there is none.</summary>
    private static GpgSigner? Signer(Settings settings, string root)
    {
        var home = settings.GnupgHome ?? Path.Combine(root, "uploader-gnupg");
        var key = settings.Key;
        var marker = Path.Combine(home, "account-made");
        if (key is null && File.Exists(marker))
            key = File.ReadAllText(marker).Split(' ', '\n').ElementAtOrDefault(1);
        return key is { Length: > 0 } && Directory.Exists(home) ? new GpgSigner(home, key) : null;
    }

    /// <summary>Uploads of this many bytes or more show a progress bar at a terminal.</summary>
    public const long ProgressBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Tells the garage, over this console's certificate, that the .dsc about to appear in incoming/
    /// is this operator's (its name and the SHA-256 of <paramref name="bytes"/>, the bytes that will be
    /// there). Returns the garage's answer, or null after saying on stderr why nothing was recorded.
    /// </summary>
    private static string? Claim(Settings settings, string product, string dscName, byte[] bytes, CancellationToken ct)
    {
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var asked = settings.Certificate is not null || settings.Gateway is not null || settings.Cluster is not null
            || Environment.GetEnvironmentVariable("AUTOBUILDER_CERT") is { Length: > 0 };
        try
        {
            // No console certificate anywhere and none asked for: a plain file drop, as before (the unix user is recorded).
            if (!asked)
                ClientCertificate.Load(null);
        }
        catch (ConsoleException)
        {
            return null;
        }
        try
        {
            return Task.Run(async () =>
            {
                await using var cluster = await ClusterConnection.ConnectAsync(settings, ct);
                return await cluster.Grains.GetGrain<ILocalUploadClaimsGrain>(0).ClaimAsync(new LocalUploadClaim(product, dscName, sha256));
            }, ct).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Console.Error.WriteLine($"warning: not recorded as the operator who uploaded it ({ex.Message.Split('\n')[0]}); " +
                "the upload goes in all the same, and the garage names the unix user owning the file instead");
            return null;
        }
    }

    private static void CopyInto(string source, string folder, GpgSigner? signer, Action<long>? progress = null)
    {
        var name = Path.GetFileName(source);
        var temp = Path.Combine(folder, $".{name}.{Guid.NewGuid():N}.part");
        if (signer is null && progress is not null)
        {
            using var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            using var to = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
            var buffer = new byte[1024 * 1024];
            int read;
            while ((read = from.Read(buffer)) > 0)
            {
                to.Write(buffer, 0, read);
                progress(read);
            }
        }
        else if (signer is null)
            File.Copy(source, temp);
        else
        {
            // debsign's way: the whole file clear-signed, SHA-512 digests.
            File.WriteAllBytes(temp, signer.ClearSign(File.ReadAllBytes(source)));
        }
        File.Move(temp, Path.Combine(folder, name), overwrite: true);
    }
}
