namespace Autobuilder.Testing;

/// <summary>Stops the gpg-agent that gpg started for one GNUPGHOME (and only that one).</summary>
public static class GpgAgents
{
    public static void Stop(string gnupgHome)
    {
        if (Directory.Exists(gnupgHome))
            Tool.Run("gpgconf", "--homedir", gnupgHome, "--kill", "all");
    }
}
