using Autobuilder.BuildRunner;

namespace Autobuilder.Silo.Tests.Execution;

/// <summary>
/// The production setup of a silo that is not root, for one test: the shipped
/// docs/sudoers-autobuilder installed as /etc/sudoers.d/autobuilder-test (checked by visudo), its
/// sandbox path replaced by a root-owned copy of this version's ab-build-sandbox; removed on dispose.
/// </summary>
public sealed class SudoRule : IDisposable
{
    /// <summary>The service account the rule names (scripts/install-deps makes it).</summary>
    public const string SiloUser = "autobuilder";

    private const string RuleFile = "/etc/sudoers.d/autobuilder-test";

    private SudoRule(string sandbox) => Sandbox = sandbox;

    /// <summary>The sandbox the rule lets the silo start (root-owned all the way up).</summary>
    public string Sandbox { get; }

    public static SudoRule Install()
    {
        var sandbox = BuildSandboxScript.InstallUnder("/usr/local/lib/autobuilder/sandbox");
        var shipped = File.ReadAllText(Path.Combine(Drop.DropHost.RepositoryRoot(), "docs", "sudoers-autobuilder"));
        Assert.Contains($"AB_SANDBOX  = {BuildSandboxScript.InstalledPath}", shipped);
        Assert.Contains($"{SiloUser}  ALL = (AB_BUILDERS) NOPASSWD: AB_SANDBOX", shipped);
        var temp = RuleFile + ".new";
        File.WriteAllText(temp, shipped.Replace(BuildSandboxScript.InstalledPath, sandbox, StringComparison.Ordinal));
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.GroupRead);
        Tool.Run("visudo", "-c", "-q", "-f", temp).Ok();
        // sudo ignores names with a dot in sudoers.d, so the checked file is renamed into place.
        File.Move(temp, RuleFile, overwrite: true);
        return new SudoRule(sandbox);
    }

    /// <summary>What docs/operations.md has an operator do for a silo that is not root: each slot's folder, owned by its account.</summary>
    public static void MakeSlotFolders(string buildRoot, IEnumerable<string> users)
    {
        foreach (var user in users)
            Tool.Run("install", "-d", "-o", user, "-m", "0755", Path.Combine(buildRoot, user)).Ok();
        File.SetUnixFileMode(buildRoot, (UnixFileMode)0b111_101_101);
    }

    public void Dispose() => File.Delete(RuleFile);
}
