using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Autobuilder.Silo.Execution.Ssh;

/// <summary>
/// One authenticated connection to a slot's host: an SSH session for commands and an SFTP session
/// for files, both refusing any host key but the pinned one.
/// </summary>
public sealed class SshConnection : IDisposable
{
    private SshConnection(SshTarget target, SshClient ssh, SftpClient sftp)
    {
        Target = target;
        Ssh = ssh;
        Sftp = sftp;
        Home = sftp.WorkingDirectory;
        LastUsed = DateTimeOffset.UtcNow;
    }

    public SshTarget Target { get; }
    public SshClient Ssh { get; }
    public SftpClient Sftp { get; }

    /// <summary>The user's home folder, where an SFTP session starts.</summary>
    public string Home { get; }

    public DateTimeOffset LastUsed { get; set; }

    public bool IsConnected => Ssh.IsConnected && Sftp.IsConnected;

    /// <exception cref="HostUnreachableException">Not reachable, wrong host key, refused authentication, bad key file.</exception>
    public static async Task<SshConnection> OpenAsync(SshTarget target, SshOptions options, CancellationToken ct)
    {
        var expected = HostKeyFingerprint.Normalize(target.HostKeySha256)
            ?? throw new HostUnreachableException($"{target}: the configured host key fingerprint {HostKeyFingerprint.Display(target.HostKeySha256)} " +
                "is not a SHA-256 fingerprint (expected SHA256:… as 'ssh-keygen -lf KEY.pub -E sha256' prints it)");
        if (!File.Exists(target.KeyFile))
            throw new HostUnreachableException($"{target}: private key file {target.KeyFile} not found on this machine");

        string? offered = null;
        void CheckHostKey(object? sender, HostKeyEventArgs e)
        {
            // Pinning, not trust-on-first-use: only the configured key is accepted, ever.
            e.CanTrust = HostKeyFingerprint.Matches(expected, e.FingerPrintSHA256);
            if (!e.CanTrust)
                offered = e.FingerPrintSHA256;
        }

        var timeout = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds);
        SshClient? ssh = null;
        SftpClient? sftp = null;
        try
        {
            using var key = LoadKey(target);
            ssh = new SshClient(Info(target, key, timeout));
            sftp = new SftpClient(Info(target, key, timeout));
            ssh.HostKeyReceived += CheckHostKey;
            sftp.HostKeyReceived += CheckHostKey;
            ssh.KeepAliveInterval = TimeSpan.FromSeconds(options.KeepAliveSeconds);
            sftp.KeepAliveInterval = TimeSpan.FromSeconds(options.KeepAliveSeconds);
            // A dead host must not hang a file transfer forever; the silence timeout bounds commands.
            sftp.OperationTimeout = TimeSpan.FromSeconds(Math.Max(options.SilenceTimeoutSeconds, options.ConnectTimeoutSeconds));
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(timeout);
            try
            {
                await ssh.ConnectAsync(bounded.Token);
                await sftp.ConnectAsync(bounded.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new HostUnreachableException($"{target}: no answer within {options.ConnectTimeoutSeconds:0.#} s");
            }
            var connection = new SshConnection(target, ssh, sftp);
            ssh = null;
            sftp = null;
            return connection;
        }
        catch (Exception ex) when (offered is not null && ex is not HostUnreachableException)
        {
            throw new HostUnreachableException($"{target}: host key SHA256:{offered} is not the pinned {HostKeyFingerprint.Display(expected)}; " +
                "refusing to connect (another host answers there, or its key changed: if on purpose, update HostKeySha256)", ex);
        }
        catch (Exception ex) when (SshFailures.IsConnectionFailure(ex))
        {
            throw new HostUnreachableException($"{target}: {SshFailures.Describe(ex)}", ex);
        }
        finally
        {
            ssh?.Dispose();
            sftp?.Dispose();
        }
    }

    private static PrivateKeyFile LoadKey(SshTarget target)
    {
        try
        {
            return new PrivateKeyFile(target.KeyFile);
        }
        catch (Exception ex) when (ex is SshException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            throw new HostUnreachableException($"{target}: cannot use private key file {target.KeyFile}: {ex.Message}", ex);
        }
    }

    private static ConnectionInfo Info(SshTarget target, PrivateKeyFile key, TimeSpan timeout) =>
        new(target.Address, target.Port, target.User, new PrivateKeyAuthenticationMethod(target.User, key))
        {
            Timeout = timeout,
        };

    public void Dispose()
    {
        // Disposing disconnects; a connection already dropped may throw on the way down.
        try
        {
            Ssh.Dispose();
        }
        catch (Exception ex) when (SshFailures.IsConnectionFailure(ex) || ex is InvalidOperationException)
        {
        }
        try
        {
            Sftp.Dispose();
        }
        catch (Exception ex) when (SshFailures.IsConnectionFailure(ex) || ex is InvalidOperationException)
        {
        }
    }
}
