namespace Autobuilder.Acceptance.Checks;

/// <summary>
/// The Changed-By of a .changes sent with the source is "Name &lt;address&gt;" (Debian Policy 5.6.4,
/// as Maintainer). Unverified, it is still where an unsigned upload's mail goes and what the pages
/// show: one that is no address would lose the mail, one with angle brackets or control characters
/// in odd places could smuggle a second recipient.
/// </summary>
public sealed class ChangedByCheck : AcceptanceCheck<SourceUploadContext>
{
    public override string Name => "changed-by";

    public override string Question => "Is the Changed-By of the .changes a name and an e-mail address (Name <address>)?";

    public override Task<CheckOutcome> CheckAsync(SourceUploadContext c)
    {
        if (c.Changes is not { ChangedBy: { } changedBy } changes || IsNameAndAddress(changedBy))
            return Pass();
        var shown = string.Concat(changedBy.Select(ch => char.IsControl(ch) ? '?' : ch));
        return Reject(changes.FileName, "Changed-By", "Name <address>", shown,
            $"{changes.FileName}: Changed-By '{shown}' is not a name and an e-mail address (Name <address>, as dch writes it)");
    }

    /// <summary>"Name &lt;local@domain&gt;": one pair of angle brackets at the end, one @, no spaces or control characters in the address.</summary>
    public static bool IsNameAndAddress(string value)
    {
        if (value.Any(char.IsControl))
            return false;
        var open = value.IndexOf('<');
        if (open <= 0 || !value.EndsWith('>') || value.IndexOf('<', open + 1) >= 0 || value.IndexOf('>') != value.Length - 1)
            return false;
        var name = value[..open].Trim();
        var address = value[(open + 1)..^1];
        var at = address.IndexOf('@');
        return name.Length > 0 && at > 0 && at == address.LastIndexOf('@') && at < address.Length - 1
            && !address.Any(ch => char.IsWhiteSpace(ch) || ch is ',' or ';' or '"' or '(' or ')');
    }
}
