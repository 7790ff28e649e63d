namespace Autobuilder.Grains.Options;

/// <summary>
/// "LiveRemote" of a repository: a live tree on another host, kept up to date with rsync over SSH
/// after each local publish (pool files first, then the generation folder, then dists/&lt;product&gt;
/// switched by one rename on the remote side). The host key is pinned: give either
/// <see cref="HostKey"/> or <see cref="HostKeySha256"/>.
/// </summary>
public sealed class RemoteLiveOptions
{
    /// <summary>Host name or address to connect to.</summary>
    public string Host { get; set; } = "";

    public int Port { get; set; } = 22;

    public string User { get; set; } = "";

    /// <summary>Private key file on the stage host (no passphrase: the sync runs unattended).</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>The host's public key: a known_hosts line ("host ssh-ed25519 AAAA…") or a .pub line ("ssh-ed25519 AAAA…").</summary>
    public string? HostKey { get; set; }

    /// <summary>
    /// The host key's SHA-256 fingerprint as <c>ssh-keygen -lf KEY.pub -E sha256</c> prints it. The
    /// key itself is then fetched with ssh-keyscan and kept only if its fingerprint is this one.
    /// </summary>
    public string? HostKeySha256 { get; set; }

    /// <summary>Absolute path of the live tree on the remote host (it gets pool/, dists/ and archive-keyring.gpg).</summary>
    public string Path { get; set; } = "";

    /// <summary>Connect timeout and rsync's I/O timeout.</summary>
    public double TimeoutSeconds { get; set; } = 60;

    /// <summary>How soon a failed sync is tried again (also on the next publish and by <c>autobuilder repo sync</c>).</summary>
    public double RetrySeconds { get; set; } = 60;
}
