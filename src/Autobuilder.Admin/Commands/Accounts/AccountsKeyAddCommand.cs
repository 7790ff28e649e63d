using System.ComponentModel;
using System.Text;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary>
/// <c>autobuilder accounts key add LOGIN (--ssh|--openpgp) [FILE|-]</c>: an SSH public key (each
/// line of the file, as in a .pub or authorized_keys file without options) or one OpenPGP public
/// key (armored or binary), from FILE or, with "-" or nothing, from stdin.
/// </summary>
public sealed class AccountsKeyAddCommand : AsyncCommand<AccountsKeyAddCommand.Settings>
{
    /// <summary>What a lone "-" on the command line becomes (Program.cs): read stdin.</summary>
    public const string Stdin = "/dev/stdin";

    // A public key file is small; more is a mistake (a whole keyring, a tarball) and is refused unread.
    private const int MaximumBytes = 1024 * 1024;

    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<LOGIN>")]
        [Description("The account.")]
        public string Login { get; init; } = "";

        [CommandArgument(1, "[FILE]")]
        [Description("The public key file; '-' or nothing reads stdin.")]
        public string File { get; init; } = Stdin;

        [CommandOption("--ssh")]
        [Description("An SSH public key (one per line): it opens the account's SSH upload area.")]
        public bool Ssh { get; init; }

        [CommandOption("--openpgp")]
        [Description("An OpenPGP public key ('gpg --export --armor FINGERPRINT'): signatures by it are the account's.")]
        public bool OpenPgp { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            Ssh == OpenPgp ? Spectre.Console.ValidationResult.Error("say which kind of key with --ssh or --openpgp (one of them)")
            : Spectre.Console.ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var bytes = await ReadAsync(settings.File, cancellationToken);
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var directory = cluster.Grains.GetGrain<IAccountDirectoryGrain>(0);
        if (settings.OpenPgp)
            return AccountOutput.Change(settings.Json, settings.Login, await directory.AddOpenPgpKeyAsync(settings.Login, bytes));

        var lines = Encoding.UTF8.GetString(bytes).Split('\n')
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        if (lines.Count == 0)
            throw new ConsoleException($"{Name(settings.File)} holds no SSH public key");
        var changes = new List<AccountChange>();
        foreach (var line in lines)
            changes.Add(await directory.AddSshKeyAsync(settings.Login, line));
        if (settings.Json)
            Output.WriteJson(changes.Select(c => new { subject = settings.Login, changed = c.Changed, message = c.Message }));
        else
            foreach (var c in changes)
                Console.WriteLine(c.Message);
        return changes.Any(c => c.Changed) ? 0 : 1;
    }

    private static string Name(string file) => file == Stdin ? "stdin" : file;

    private static async Task<byte[]> ReadAsync(string file, CancellationToken ct)
    {
        await using var stream = file == Stdin ? Console.OpenStandardInput() : System.IO.File.OpenRead(file);
        var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaximumBytes)
                throw new ConsoleException($"{Name(file)} is larger than {MaximumBytes / 1024} KiB: that is no public key");
        }
        return buffer.ToArray();
    }
}
