namespace Autobuilder.Grains;

/// <summary>
/// A builder slot as configured: a (builder host, unix user) pair and what it can build. The SSH
/// fields are set for <see cref="Executor"/> "ssh" only. The key is a path to a file on the builder
/// silo's machine, never its contents, so no secret lands in grain state. <see cref="Mode"/> says
/// how the runner builds there: "host" (on the builder as it is) or "chroot" (in a throwaway root
/// made from <c>ChrootTarballs/&lt;product&gt;-&lt;arch&gt;.tar</c> on the builder). <see cref="Network"/>:
/// whether a local host-mode build may reach the network (off by default).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SlotConfig(
    [property: Id(0)] string Host,
    [property: Id(1)] string User,
    [property: Id(2)] IReadOnlyList<string> Architectures,
    [property: Id(3)] string Executor,
    [property: Id(4)] string? Address = null,
    [property: Id(5)] int Port = 22,
    [property: Id(6)] string? HostKeySha256 = null,
    [property: Id(7)] string? KeyFile = null,
    [property: Id(8)] string Mode = SlotConfig.HostMode,
    [property: Id(9)] string? ChrootTarballs = null,
    [property: Id(10)] bool Network = false)
{
    public const string LocalExecutor = "local";
    public const string SshExecutor = "ssh";
    public const string HostMode = "host";
    public const string ChrootMode = "chroot";

    public string Key => SlotKey(Host, User);

    public static string SlotKey(string host, string user) => $"{host}/{user}";

    /// <summary>Where the slot builds, for people: "local" or "user@address:port".</summary>
    public string Where => (Executor == SshExecutor ? $"{User}@{Address ?? Host}:{Port}" : Executor) + (Mode == ChrootMode ? " (chroot)" : "");

    /// <summary>What is wrong with this configuration, or null when it can be used.</summary>
    public string? Problem()
    {
        if (!IsPlainName(Host))
            return $"host name '{Host}' must be letters, digits, '.', '_' or '-'";
        if (!IsPlainName(User))
            return $"user name '{User}' must be letters, digits, '.', '_' or '-'";
        if (Architectures.Count == 0)
            return $"slot {Key} has no architectures";
        if (Mode is not (HostMode or ChrootMode))
            return $"slot {Key}: unknown build mode '{Mode}' (host or chroot)";
        if (!string.IsNullOrEmpty(ChrootTarballs) && (!ChrootTarballs.StartsWith('/') || ChrootTarballs.Any(char.IsControl)))
            return $"slot {Key}: ChrootTarballs must be an absolute folder on the builder, not '{ChrootTarballs}'";
        switch (Executor)
        {
            case LocalExecutor:
                return null;
            case SshExecutor:
                if (string.IsNullOrWhiteSpace(Address))
                    return $"ssh slot {Key} needs an address";
                if (Port is < 1 or > 65535)
                    return $"ssh slot {Key}: port {Port} is not a TCP port";
                if (string.IsNullOrWhiteSpace(HostKeySha256))
                    return $"ssh slot {Key} needs the host key's SHA-256 fingerprint (ssh-keygen -lf KEY.pub -E sha256): hosts are never trusted blindly";
                if (HostKeyFingerprint.Normalize(HostKeySha256) is null)
                    return $"ssh slot {Key}: '{HostKeySha256}' is not a SHA-256 fingerprint (SHA256:… as 'ssh-keygen -lf KEY.pub -E sha256' prints it)";
                if (string.IsNullOrWhiteSpace(KeyFile) || !KeyFile.StartsWith('/'))
                    return $"ssh slot {Key} needs the absolute path of the private key file of user {User}";
                return null;
            default:
                return $"slot {Key}: unknown executor '{Executor}' (local or ssh)";
        }
    }

    // Slot keys become grain keys, folder names and table cells: keep them plain.
    private static bool IsPlainName(string s) =>
        s.Length is > 0 and <= 64 && s[0] != '-' && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
