namespace Autobuilder.Grains.Accounts;

public sealed partial class AccountBook
{
    /// <summary>
    /// Takes in a whole directory. Each account is added or brought up to date (name, e-mail,
    /// groups, enabled), its keys added (with <see cref="AccountImport.ReplaceSshKeys"/>, SSH keys
    /// not in the import removed), then the rights granted. An item that breaks a rule is skipped
    /// with its reason and the rest goes in; importing the same file again changes nothing.
    /// OpenPGP keys were read beforehand (gpg runs outside the book): <paramref name="openPgp"/>
    /// maps each armored key of the import to what gpg made of it, or to why it could not.
    /// </summary>
    public ImportReport Import(AccountImport import, IReadOnlyDictionary<string, OpenPgpKeyRead> openPgp,
        IReadOnlyDictionary<string, string> openPgpProblems, DateTimeOffset now)
    {
        var lines = new List<ImportLine>(import.Accounts.Count + import.Rights.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in import.Accounts)
        {
            var login = (a.Login ?? "").Trim();
            if (!seen.Add(login))
            {
                lines.Add(new ImportLine(login, Skipped, "the import names this login twice; the first one was taken"));
                continue;
            }
            var existed = _accounts.ContainsKey(login);
            bool changed;
            try
            {
                changed = AddOrUpdate(new NewAccount(login, a.RealName, a.Email, a.Groups ?? []), now).Changed;
                if (_accounts[login].Details.Enabled != a.Enabled)
                    changed |= SetEnabled(login, a.Enabled, "disabled in the imported directory").Changed;
            }
            catch (ArgumentException ex)
            {
                lines.Add(new ImportLine(login, Skipped, ex.Message));
                continue;
            }
            var wanted = new HashSet<string>(StringComparer.Ordinal);
            var n = 0;
            foreach (var key in a.SshKeys ?? [])
            {
                n++;
                try
                {
                    wanted.Add(SshKeyLine.Parse(key).Fingerprint);
                    changed |= AddSshKey(login, key, now).Changed;
                }
                catch (ArgumentException ex)
                {
                    lines.Add(new ImportLine($"{login} SSH key {n}", Skipped, ex.Message));
                }
            }
            if (import.ReplaceSshKeys)
            {
                foreach (var old in _accounts[login].Details.SshKeys.Where(k => !wanted.Contains(k.Fingerprint)).ToList())
                    changed |= RemoveKey(login, old.Fingerprint, now).Changed;
            }
            n = 0;
            foreach (var key in a.OpenPgpKeys ?? [])
            {
                n++;
                try
                {
                    if (openPgpProblems.TryGetValue(key, out var problem))
                        throw new ArgumentException(problem);
                    changed |= AddOpenPgpKey(login, openPgp[key], now).Changed;
                }
                catch (ArgumentException ex)
                {
                    lines.Add(new ImportLine($"{login} OpenPGP key {n}", Skipped, ex.Message));
                }
            }
            var details = _accounts[login].Details;
            var summary = $"{details.SshKeys.Count} SSH key(s), {details.OpenPgpKeys.Count(k => k.RemovedAt is null)} OpenPGP key(s)";
            lines.Add(!existed ? new ImportLine(login, Added, summary)
                : changed ? new ImportLine(login, Updated, summary)
                : new ImportLine(login, Unchanged, "as imported already"));
        }
        foreach (var right in import.Rights)
        {
            var subject = $"right {right.Subject} {right.Repository}/{right.Product}{(right.Source is null ? "" : $" --source {right.Source}")}";
            try
            {
                var change = Grant(right);
                lines.Add(new ImportLine(subject, change.Changed ? Added : Unchanged, change.Message));
            }
            catch (ArgumentException ex)
            {
                lines.Add(new ImportLine(subject, Skipped, ex.Message));
            }
        }
        return new ImportReport(lines.Count(l => l.Outcome == Added), lines.Count(l => l.Outcome == Updated),
            lines.Count(l => l.Outcome == Unchanged), lines.Count(l => l.Outcome == Skipped), lines);
    }

    public const string Added = "added";
    public const string Updated = "updated";
    public const string Unchanged = "unchanged";
    public const string Skipped = "skipped";
}
