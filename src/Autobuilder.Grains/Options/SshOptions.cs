namespace Autobuilder.Grains.Options;

/// <summary>How the SSH executor talks to builder hosts ("Autobuilder:Ssh").</summary>
public sealed class SshOptions
{
    /// <summary>Connecting and authenticating must finish within this time, or the host counts as down.</summary>
    public double ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// A build whose output stays silent this long is taken for a dead host or connection (the slot
    /// goes Offline, the build elsewhere). Must exceed the longest quiet step of a real build.
    /// </summary>
    public double SilenceTimeoutSeconds { get; set; } = 900;

    /// <summary>An idle pooled connection older than this is closed instead of reused.</summary>
    public double IdleConnectionSeconds { get; set; } = 300;

    /// <summary>SSH keep-alive messages keep idle connections through NATs and firewalls.</summary>
    public double KeepAliveSeconds { get; set; } = 30;

    /// <summary>Folder under the slot user's home holding the per-build folders.</summary>
    public string RemoteFolder { get; set; } = "autobuilder";
}
