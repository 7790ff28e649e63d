using System.Security.Cryptography;
using System.Text;
using Autobuilder.Debian;
using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Control;
using Autobuilder.Debian.Signing;
using Autobuilder.Debian.Uploads;
using Autobuilder.Acceptance;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.Intake;

namespace Autobuilder.Silo.Files;

/// <summary>
/// The facts the upload checks need that only the garage's files hold: the .changes taken with the
/// .dsc, and the OpenPGP signature of the upload as gpgv sees it against the directory's keyring.
/// Every file read here is the copy intake made in uploads/ (the bytes intake parsed), never the
/// uploader's.
/// </summary>
public static class UploadSignatures
{
    /// <summary>The .changes taken with the upload and the sums to compare its list with; or why it cannot be read.</summary>
    public static (UploadChangesFacts? Facts, string? Problem) Changes(string folder, IntakeManifest manifest)
    {
        if (manifest.ChangesFileName is not { } name)
            return (null, null);
        ChangesFile changes;
        try
        {
            changes = ChangesFile.Parse(ReadKept(folder, name), name);
        }
        catch (Exception ex) when (ex is DebianFormatException or IOException)
        {
            return (null, $"{name} cannot be read: {ex.Message.Replace(folder + "/", "")}");
        }
        var computed = manifest.Files.ToDictionary(f => f.Name, f => f.Sums, StringComparer.Ordinal);
        computed[manifest.DscFileName] = Sums(ReadKept(folder, manifest.DscFileName));
        return (new UploadChangesFacts(name, changes.Source, changes.Version, changes.Architectures, changes.Files, computed, changes.ChangedBy), null);
    }

    /// <summary>
    /// The upload's signature: the .changes carries it when there is one (as in dak), else the .dsc.
    /// A signed .dsc beside a signed .changes must be good too and by the same key; a bad signature
    /// on either file is the upload's signature, whatever the other says.
    /// </summary>
    public static UploadSignature Verify(string keyring, string folder, string dscFileName, string? changesFileName)
    {
        var primary = changesFileName ?? dscFileName;
        var files = changesFileName is null ? [dscFileName] : new[] { changesFileName, dscFileName };
        var results = files.Select(f => (File: f, Result: VerifyOne(keyring, folder, f))).ToList();
        if (results.FirstOrDefault(r => r.Result.Outcome == SignatureOutcome.Bad) is { File: not null } bad)
            return bad.Result;
        var main = results[0].Result;
        if (main.Outcome != SignatureOutcome.Good)
            return main;
        foreach (var (file, other) in results.Skip(1))
        {
            if (other.Outcome == SignatureOutcome.Unsigned)
                continue;
            if (other.Outcome != SignatureOutcome.Good || other.Fingerprint != main.Fingerprint)
            {
                return new UploadSignature(file, SignatureOutcome.Bad, other.Fingerprint, other.KeyId, other.SignedAt,
                    $"{primary} is signed by key {main.Fingerprint} but {file} by {(other.Outcome == SignatureOutcome.UnknownKey ? $"key {other.KeyId}, which no account has" : $"key {other.Fingerprint ?? other.KeyId}")}: both must be signed by the same uploader");
            }
        }
        return main;
    }

    private static UploadSignature VerifyOne(string keyring, string folder, string file)
    {
        var bytes = ReadKept(folder, file);
        SignedControlFile parsed;
        try
        {
            parsed = SignedControlFile.Parse(bytes, file);
        }
        catch (DebianFormatException ex)
        {
            return new UploadSignature(file, SignatureOutcome.Bad, null, null, null, $"{file} cannot be read as a clear-signed file: {ex.Message}");
        }
        if (parsed.Signed is not { } signed)
            return new UploadSignature(file, SignatureOutcome.Unsigned, null, null, null, "");
        // Until the directory has published a keyring, no key is known (gpgv still checks the form).
        var gpgv = new Gpgv(File.Exists(keyring) ? keyring : "/dev/null");
        SignatureVerification result;
        try
        {
            result = gpgv.VerifyClearSigned(bytes);
        }
        catch (SigningException ex)
        {
            throw new IOException($"gpgv could not check {file}: {ex.Message}", ex);
        }
        var fingerprint = result.Fingerprint ?? result.ExpiredKeyFingerprint;
        switch (result.Status)
        {
            case SignatureStatus.Unsigned:
                return new UploadSignature(file, SignatureOutcome.Bad, null, null, null, $"{file} looks clear-signed but gpgv finds no signature in it");
            case SignatureStatus.UnknownKey:
                return new UploadSignature(file, SignatureOutcome.UnknownKey, null, result.KeyId, null, $"key {result.KeyId} is not in the directory's keyring");
            case SignatureStatus.Invalid when fingerprint is null:
                return new UploadSignature(file, SignatureOutcome.Bad, null, result.KeyId, null, Why(result, file));
        }
        // The parser must read exactly the text the signature covers, nothing beside it.
        var covered = Encoding.UTF8.GetString(result.SignedData ?? []).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (!string.Equals(Normalise(covered), Normalise(signed.SignedText), StringComparison.Ordinal))
            return new UploadSignature(file, SignatureOutcome.Bad, fingerprint, result.KeyId, result.SignedAt, $"the text of {file} read for the upload is not the text the signature covers");
        return new UploadSignature(file, SignatureOutcome.Good, fingerprint, result.KeyId, result.SignedAt, result.KeyExpired ? $"key {fingerprint} has expired by now" : "");
    }

    private static string Why(SignatureVerification result, string file)
    {
        var lines = result.StatusLines;
        bool Has(string word) => lines.Any(l => l.StartsWith("[GNUPG:] " + word, StringComparison.Ordinal));
        if (Has("BADSIG"))
            return $"{file} was changed after it was signed (gpgv: BAD signature)";
        if (Has("REVKEYSIG"))
            return $"key {result.KeyId} has been revoked by its owner";
        if (Has("EXPSIG"))
            return "the signature itself has expired";
        return $"gpgv could not use the signature ({string.Join("; ", lines.Select(l => l["[GNUPG:] ".Length..]).Take(3))})";
    }

    // gpgv drops trailing blanks of signed lines as the parser does; compare line ends only.
    private static string Normalise(string text) => text.TrimEnd('\n');

    private static byte[] ReadKept(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        using var handle = IncomingEntry.OpenRegular(path, null, out _, out var problem)
            ?? throw new IOException(problem ?? $"{name} is not a regular file");
        return IntakeCopy.ReadAll(handle, 4 << 20);
    }

    private static ChecksumSet Sums(byte[] data) => new(data.Length, Convert.ToHexStringLower(MD5.HashData(data)),
        Convert.ToHexStringLower(SHA1.HashData(data)), Convert.ToHexStringLower(SHA256.HashData(data)));
}
