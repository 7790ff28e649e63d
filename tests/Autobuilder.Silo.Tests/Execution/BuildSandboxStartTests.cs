using System.Text.Json;
using System.Text.RegularExpressions;
using Autobuilder.BuildRunner;
using Autobuilder.Silo.Execution.Sandbox;

namespace Autobuilder.Silo.Tests.Execution;

/// <summary>
/// How the silo starts the sandbox in each of its two situations: setpriv for a root silo, sudo
/// with the shipped rule for any other (the command and the refusal message are checked here;
/// BuildSandboxTests runs the attack package through a real unprivileged silo and a real sudo rule).
/// </summary>
public sealed class BuildSandboxStartTests
{
    private static readonly SlotAccount Account = new("abbuild1", 999, 995);

    [Fact]
    public void Should_switch_with_setpriv_and_pass_nothing_of_the_silo_When_the_silo_is_root()
    {
        var sandbox = new BuildSandbox("/usr/lib/autobuilder/ab-build-sandbox", "/var/lib/autobuilder-builds", siloIsRoot: true);

        var psi = sandbox.StartInfo(Account, ["--check", "/var/lib/autobuilder-builds/abbuild1/check"]);

        Assert.Equal("/usr/bin/setpriv", psi.FileName);
        Assert.Equal(["--reuid=999", "--regid=995", "--init-groups", "--", "/usr/lib/autobuilder/ab-build-sandbox", "--check", "/var/lib/autobuilder-builds/abbuild1/check"],
            psi.ArgumentList);
        Assert.Equal(["LC_ALL", "PATH", "USER"], psi.Environment.Keys.Order());
        Assert.Equal("abbuild1", psi.Environment["USER"]);
    }

    [Fact]
    public void Should_go_through_sudo_without_a_password_prompt_When_the_silo_is_not_root()
    {
        var sandbox = new BuildSandbox("/usr/lib/autobuilder/ab-build-sandbox", "/var/lib/autobuilder-builds", siloIsRoot: false);

        var psi = sandbox.StartInfo(Account, ["--clean", "/var/lib/autobuilder-builds/abbuild1/x.1"]);

        Assert.Equal("/usr/bin/sudo", psi.FileName);
        Assert.Equal(["-n", "-u", "abbuild1", "--", "/usr/lib/autobuilder/ab-build-sandbox", "--clean", "/var/lib/autobuilder-builds/abbuild1/x.1"], psi.ArgumentList);
        Assert.Equal(["LC_ALL", "PATH"], psi.Environment.Keys.Order());
    }

    [Fact]
    public void Should_name_the_account_and_the_sudo_rule_When_sudo_refuses()
    {
        var sandbox = new BuildSandbox("/usr/lib/autobuilder/ab-build-sandbox", "/var/lib/autobuilder-builds", siloIsRoot: false);

        var reason = sandbox.CannotStart(Account, "sudo: a password is required\n");

        Assert.StartsWith("cannot start builds as 'abbuild1': ", reason);
        Assert.True(reason.Contains("sudo refused '/usr/bin/sudo -n -u abbuild1 /usr/lib/autobuilder/ab-build-sandbox' (sudo: a password is required)")
            || reason.Contains("sudo is not installed"), reason);
        Assert.Contains("docs/sudoers-autobuilder", reason);
    }

    [Fact]
    public void Should_name_accounts_install_deps_makes_and_run_the_image_unprivileged_When_the_shipped_files_are_read()
    {
        string Read(params string[] parts) => File.ReadAllText(Path.Combine([Checkout.Root, .. parts]));

        var installDeps = Read("scripts", "install-deps");
        var sudoers = Read("docs", "sudoers-autobuilder");
        var users = new[] { "all", "builder" }
            .SelectMany(role => JsonDocument.Parse(Read("silo-config", role + ".json")).RootElement
                .GetProperty("Autobuilder").GetProperty("Slots").EnumerateArray().Select(s => s.GetProperty("User").GetString()!))
            .Distinct().ToList();
        var dockerfile = Read("docker", "Dockerfile");

        Assert.NotEmpty(users);
        Assert.All(users, u => Assert.Matches($@"for user in [^;]*\b{u}\b", installDeps));
        Assert.All(users, u => Assert.Matches($@"Runas_Alias\s+AB_BUILDERS\s*=[^\n]*\b{u}\b", sudoers));
        Assert.Contains($"AB_SANDBOX  = {BuildSandboxScript.InstalledPath}", sudoers);
        Assert.Equal("autobuilder", Regex.Matches(dockerfile, @"^USER\s+(\S+)", RegexOptions.Multiline).Last().Groups[1].Value);
        Assert.Contains($"COPY src/Autobuilder.BuildRunner/ab-build-sandbox {BuildSandboxScript.InstalledPath}", dockerfile);
    }
}
