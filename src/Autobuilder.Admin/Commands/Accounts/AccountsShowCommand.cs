using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary><c>autobuilder accounts show LOGIN</c>: the account, its keys, tokens (never their secrets) and the rights that apply to it.</summary>
public sealed class AccountsShowCommand : AsyncCommand<AccountsShowCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<LOGIN>")]
        [Description("The account.")]
        public string Login { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var a = await cluster.Grains.GetGrain<IAccountDirectoryGrain>(0).GetAsync(settings.Login)
            ?? throw new ConsoleException($"there is no account {settings.Login} (list them with: autobuilder accounts list)");
        if (settings.Json)
        {
            Output.WriteJson(new
            {
                a.Login, a.RealName, a.Email, a.Enabled, a.DisabledReason, a.CreatedAt, a.Groups,
                SshKeys = a.SshKeys.Select(k => new { k.Fingerprint, k.Type, k.Comment, k.AddedAt }),
                OpenPgpKeys = a.OpenPgpKeys.Select(k => new { k.Fingerprint, k.UserIds, k.Expires, k.AddedAt, k.RemovedAt }),
                a.Rights, a.Tokens,
            });
            return 0;
        }
        Console.WriteLine($"{a.Login}: {a.RealName} <{a.Email}>, {(a.Enabled ? "enabled" : $"disabled ({a.DisabledReason})")}, since {a.CreatedAt.UtcDateTime:yyyy-MM-dd}");
        Console.WriteLine($"groups: {(a.Groups.Count == 0 ? "none" : string.Join(", ", a.Groups))}");
        Console.WriteLine("rights:");
        foreach (var r in a.Rights)
            Console.WriteLine($"  {r.Repository}/{r.Product}{(r.Source is null ? "" : $" source {r.Source}")}{(r.Subject == a.Login ? "" : $" (as {r.Subject})")}");
        if (a.Rights.Count == 0)
            Console.WriteLine($"  none (grant one with: autobuilder accounts grant {a.Login} REPOSITORY PRODUCT)");
        Console.WriteLine("SSH keys:");
        foreach (var k in a.SshKeys)
            Console.WriteLine($"  {k.Fingerprint} {k.Type} {k.Comment}".TrimEnd());
        Console.WriteLine("OpenPGP keys:");
        foreach (var k in a.OpenPgpKeys)
        {
            var state = k.RemovedAt is { } removed ? $"removed {removed.UtcDateTime:yyyy-MM-dd}"
                : k.Expires is { } e ? (e <= DateTimeOffset.UtcNow ? $"expired {e.UtcDateTime:yyyy-MM-dd}" : $"expires {e.UtcDateTime:yyyy-MM-dd}") : "no expiry";
            Console.WriteLine($"  {k.Fingerprint} {(k.UserIds.Count > 0 ? k.UserIds[0] : "")} ({state})");
        }
        Console.WriteLine("HTTP tokens:");
        foreach (var t in a.Tokens)
        {
            var state = t.RevokedAt is { } revoked ? $"revoked {revoked.UtcDateTime:yyyy-MM-dd}"
                : t.Expires is { } e ? $"expires {e.UtcDateTime:yyyy-MM-dd}" : "no expiry";
            Console.WriteLine($"  {t.Id} {t.Note} (made {t.CreatedAt.UtcDateTime:yyyy-MM-dd}, {state})");
        }
        return 0;
    }
}
