using Autobuilder.Grains;

namespace Autobuilder.Admin.Commands.Accounts;

/// <summary>How the account commands answer: one line (or JSON) per change, exit 0 when it changed something, 1 when it was already so.</summary>
internal static class AccountOutput
{
    public static int Change(bool json, string subject, AccountChange change, string? next = null)
    {
        if (json)
            Output.WriteJson(new { subject, changed = change.Changed, message = change.Message });
        else
            Console.WriteLine(change.Changed && next is not null ? $"{change.Message}. {next}" : change.Message);
        return change.Changed ? 0 : 1;
    }
}
