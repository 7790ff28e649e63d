using System.ComponentModel;
using System.Globalization;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary>
/// <c>autobuilder accounts token add LOGIN [--note TEXT] [--expires WHEN]</c>: a token for the HTTP
/// upload (dput's https method: login as user, the token as password). The token is printed once;
/// the directory keeps only its hash.
/// </summary>
public sealed class AccountsTokenAddCommand : AsyncCommand<AccountsTokenAddCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<LOGIN>")]
        [Description("The account.")]
        public string Login { get; init; } = "";

        [CommandOption("--note <TEXT>")]
        [Description("What the token is for (shown in 'accounts show').")]
        public string Note { get; init; } = "";

        [CommandOption("--expires <WHEN>")]
        [Description("A date (2027-06-30) or a time from now (90d, 12h); default: never.")]
        public string? Expires { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var expires = ParseExpiry(settings.Expires, DateTimeOffset.UtcNow);
        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var token = await cluster.Grains.GetGrain<IAccountDirectoryGrain>(0).AddTokenAsync(settings.Login, settings.Note, expires);
        if (settings.Json)
        {
            Output.WriteJson(new { login = settings.Login, id = token.Info.Id, token = token.Secret, expires = token.Info.Expires, note = token.Info.Note });
            return 0;
        }
        Console.WriteLine($"token {token.Info.Id} for account {settings.Login}{(expires is { } e ? $", expires {e.UtcDateTime:yyyy-MM-dd HH:mm}Z" : "")}:");
        Console.WriteLine();
        Console.WriteLine($"    {token.Secret}");
        Console.WriteLine();
        Console.WriteLine("It is shown only now (the autobuilder keeps its hash): give it to the uploader. It is the password of HTTP");
        Console.WriteLine($"uploads with the user name {settings.Login}. Revoke it with: autobuilder accounts token revoke {settings.Login} {token.Info.Id}");
        return 0;
    }

    /// <summary>"2027-06-30", "2027-06-30T12:00Z", "90d", "12h", or nothing.</summary>
    public static DateTimeOffset? ParseExpiry(string? text, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var t = text.Trim();
        if (t.Length > 1 && char.IsDigit(t[0]) && t[^1] is 'd' or 'h' or 'm'
            && double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            return now + (t[^1] switch { 'd' => TimeSpan.FromDays(amount), 'h' => TimeSpan.FromHours(amount), _ => TimeSpan.FromMinutes(amount) });
        }
        if (DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            return when;
        throw new ConsoleException($"--expires '{text}' is neither a date (2027-06-30) nor a time from now (90d, 12h, 30m)");
    }
}
