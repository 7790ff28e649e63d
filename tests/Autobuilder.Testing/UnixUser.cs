namespace Autobuilder.Testing;

/// <summary>
/// Unix accounts for builder slots, made once per machine (tests run as root here and in CI) and
/// reused: <c>useradd -m</c>, then <c>usermod -p '*'</c> because sshd without PAM refuses a
/// locked account ('!' password) even for key logins.
/// </summary>
public static class UnixUser
{
    private static readonly Lock Gate = new();

    public static string Ensure(string name)
    {
        lock (Gate)
        {
            if (Tool.Run("id", "-u", name).ExitCode != 0)
            {
                if (Environment.UserName != "root")
                    throw new InvalidOperationException($"unix user {name} is missing and only root can create it (the SSH tests run as root, as CI does)");
                Tool.Run("useradd", "-m", "-s", "/bin/bash", name).Ok();
            }
            Tool.Run("usermod", "-p", "*", name).Ok();
            return Home(name);
        }
    }

    public static string Home(string name) =>
        Tool.Run("getent", "passwd", name).Ok().Stdout.Trim().Split(':')[5];
}
