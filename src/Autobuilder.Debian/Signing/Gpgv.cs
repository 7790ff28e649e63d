namespace Autobuilder.Debian.Signing;

/// <summary>
/// Checks OpenPGP signatures with gpgv against given keyring files, as apt does for InRelease and
/// Release.gpg (apt-pkg/contrib/gpgv.cc runs gpgv and reads its status lines). Only the
/// "[GNUPG:]" status lines are interpreted (gnupg doc/DETAILS); gpgv's human text is sent to
/// /dev/null so that a translated or reworded message can never change the outcome.
/// </summary>
public sealed class Gpgv
{
    private readonly IReadOnlyList<string> _keyrings;
    private readonly string _executable;
    private readonly TimeSpan _timeout;

    /// <param name="keyrings">
    /// Binary OpenPGP keyring files (what <c>gpg --export</c> writes, or a keybox). gpgv does not
    /// read ASCII-armored keys.
    /// </param>
    public Gpgv(IEnumerable<string> keyrings, string executable = "gpgv", TimeSpan? timeout = null)
    {
        // gpgv looks a keyring name without a slash up in its home folder; a full path means exactly this file.
        _keyrings = keyrings.Select(Path.GetFullPath).ToArray();
        if (_keyrings.Count == 0)
            throw new ArgumentException("at least one keyring is needed", nameof(keyrings));
        _executable = executable;
        _timeout = timeout ?? TimeSpan.FromMinutes(1);
    }

    public Gpgv(string keyring) : this([keyring]) { }

    /// <summary>Checks a clear-signed file (an InRelease, a signed .dsc or .changes); a valid result carries the signed data.</summary>
    public SignatureVerification VerifyClearSigned(string path) =>
        Run(["--output", "-", "--", Path.GetFullPath(path)], stdin: null, wantData: true);

    /// <summary>Checks a clear-signed message held in memory; a valid result carries the signed data.</summary>
    public SignatureVerification VerifyClearSigned(ReadOnlyMemory<byte> message) =>
        Run(["--output", "-"], stdin: message, wantData: true);

    /// <summary>Checks a detached signature (Release.gpg) over a data file (Release).</summary>
    public SignatureVerification VerifyDetached(string signaturePath, string dataPath) =>
        Run(["--", Path.GetFullPath(signaturePath), Path.GetFullPath(dataPath)], stdin: null, wantData: false);

    private SignatureVerification Run(IEnumerable<string> operation, ReadOnlyMemory<byte>? stdin, bool wantData)
    {
        foreach (var keyring in _keyrings)
        {
            // A missing keyring would otherwise look like "unknown key" and hide a configuration mistake.
            if (!File.Exists(keyring))
                throw new FileNotFoundException($"keyring '{keyring}' does not exist", keyring);
        }
        var args = new List<string> { "--status-fd", "2", "--log-file", "/dev/null" };
        foreach (var keyring in _keyrings)
        {
            args.Add("--keyring");
            args.Add(keyring);
        }
        args.AddRange(operation);

        var run = GpgProcess.Run(_executable, args, stdin, _timeout);
        var lines = run.Stderr.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith(GpgStatus.Prefix, StringComparison.Ordinal)).ToList();
        var result = GpgStatus.Interpret(lines);
        return wantData && (result.IsValid || result.ExpiredKeyFingerprint is not null) ? result with { SignedData = run.Stdout } : result;
    }
}
