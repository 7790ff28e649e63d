namespace Autobuilder.Debian.Signing;

/// <summary>
/// Signs repository metadata with gpg: a clear-signed InRelease and an armored detached
/// Release.gpg (Debian wiki RepositoryFormat, "Release files"; apt prefers InRelease and falls back
/// to Release + Release.gpg). SHA-512 digests because apt rejects SHA-1 signatures and warns on
/// weak ones; dak and reprepro sign the same way.
/// </summary>
public sealed class GpgSigner : IArchiveSigner
{
    private readonly string _gnupgHome;
    private readonly string _keyId;
    private readonly string? _passphraseFile;
    private readonly string _executable;
    private readonly TimeSpan _timeout;

    /// <param name="gnupgHome">The GNUPGHOME holding the secret key; never the user's default unless passed explicitly.</param>
    /// <param name="keyId">The signing key; a full fingerprint avoids picking the wrong key when ids collide.</param>
    /// <param name="passphraseFile">A file holding the key's passphrase; null for a key without one.</param>
    public GpgSigner(string gnupgHome, string keyId, string? passphraseFile = null, string executable = "gpg", TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        _gnupgHome = Path.GetFullPath(gnupgHome);
        _keyId = keyId;
        _passphraseFile = passphraseFile is null ? null : Path.GetFullPath(passphraseFile);
        _executable = executable;
        _timeout = timeout ?? TimeSpan.FromMinutes(1);
    }

    public string KeyId => _keyId;

    /// <summary>The clear-signed form of <paramref name="data"/> (what InRelease holds).</summary>
    public byte[] ClearSign(ReadOnlyMemory<byte> data) => Sign(data, "--clearsign");

    /// <summary>An ASCII-armored detached signature over <paramref name="data"/> (what Release.gpg holds).</summary>
    public byte[] DetachSign(ReadOnlyMemory<byte> data) => Sign(data, "--armor", "--detach-sign");

    private byte[] Sign(ReadOnlyMemory<byte> data, params string[] mode)
    {
        var args = new List<string>
        {
            "--homedir", _gnupgHome,
            // No terminal, no prompt: a key that needs a passphrase we were not given fails at once instead of waiting.
            "--batch", "--no-tty", "--pinentry-mode", "loopback",
            "--local-user", _keyId,
            "--digest-algo", "SHA512",
        };
        if (_passphraseFile is not null)
            args.AddRange(["--passphrase-file", _passphraseFile]);
        else
            args.AddRange(["--passphrase", ""]);
        args.AddRange(mode);

        var run = GpgProcess.Run(_executable, args, data, _timeout);
        if (run.ExitCode != 0 || run.Stdout.Length == 0)
            throw new SigningException($"gpg could not sign with key {_keyId} (exit {run.ExitCode}): {run.Stderr.Trim()}");
        return run.Stdout;
    }
}
