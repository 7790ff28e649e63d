namespace Autobuilder.Debian.Signing;

/// <summary>
/// Turns gpgv's status lines into a <see cref="SignatureVerification"/>. The rules follow apt's
/// (apt-pkg/contrib/gpgv.cc and methods/gpgv.cc): any BADSIG spoils the file; a signature counts
/// only with both GOODSIG and VALIDSIG for it; signatures by keys we do not have are ignored when
/// another one is good; an expired or revoked key, or an ERRSIG for any reason other than a
/// missing key, is not good.
/// </summary>
internal static class GpgStatus
{
    public const string Prefix = "[GNUPG:] ";

    // ERRSIG's sixth field: 9 means "missing public key" (gnupg doc/DETAILS).
    private const string MissingKeyReason = "9";

    public static SignatureVerification Interpret(IReadOnlyList<string> statusLines)
    {
        string? goodKeyId = null, fingerprint = null, badKeyId = null, unknownKeyId = null, otherErrorKeyId = null;
        var unusable = false;
        // Kept apart from "unusable": for an upload the directory, not gpgv's clock, says whether a
        // key was current when it signed (a signature made the day before the key expired is good).
        var keyExpired = false;
        DateTimeOffset? signedAt = null;
        var signatures = 0;
        var noData = false;

        foreach (var line in statusLines)
        {
            var fields = line[Prefix.Length..].Split(' ');
            switch (fields[0])
            {
                case "NEWSIG":
                    signatures++;
                    break;
                case "GOODSIG" when fields.Length > 1:
                    goodKeyId ??= fields[1];
                    break;
                // VALIDSIG <fpr> <date> <ts> <expire> <version> <reserved> <pk-algo> <hash-algo> <class> <primary-fpr>
                case "VALIDSIG" when fields.Length > 1:
                    fingerprint ??= fields.Length >= 11 ? fields[10] : fields[1];
                    signedAt ??= fields.Length > 3 ? Timestamp(fields[3]) : null;
                    break;
                case "BADSIG" when fields.Length > 1:
                    badKeyId ??= fields[1];
                    break;
                case "EXPKEYSIG":
                    keyExpired = true;
                    unusable = true;
                    otherErrorKeyId ??= fields.Length > 1 ? fields[1] : null;
                    break;
                case "EXPSIG" or "REVKEYSIG":
                    unusable = true;
                    otherErrorKeyId ??= fields.Length > 1 ? fields[1] : null;
                    break;
                case "NO_PUBKEY" when fields.Length > 1:
                    unknownKeyId ??= fields[1];
                    break;
                // ERRSIG <keyid> <pkalgo> <hashalgo> <sig_class> <time> <rc> [<fpr>]
                case "ERRSIG" when fields.Length > 6:
                    if (fields[6] == MissingKeyReason)
                    {
                        unknownKeyId ??= fields[1];
                    }
                    else
                    {
                        unusable = true;
                        otherErrorKeyId ??= fields[1];
                    }
                    break;
                case "ERRSIG" or "BADARMOR":
                    unusable = true;
                    break;
                case "NODATA":
                    noData = true;
                    break;
            }
        }

        if (badKeyId is not null)
            return new SignatureVerification(SignatureStatus.Invalid, null, badKeyId, statusLines);
        if (unusable)
        {
            // Only an expired key with a mathematically good signature (VALIDSIG) keeps its fingerprint and time.
            var expiredButValid = keyExpired && fingerprint is not null && statusLines.Count(l => l.StartsWith(Prefix + "NEWSIG", StringComparison.Ordinal)) <= 1;
            return new SignatureVerification(SignatureStatus.Invalid, null, otherErrorKeyId, statusLines)
            {
                KeyExpired = keyExpired,
                ExpiredKeyFingerprint = expiredButValid ? fingerprint : null,
                SignedAt = expiredButValid ? signedAt : null,
            };
        }
        if (goodKeyId is not null && fingerprint is not null)
            return new SignatureVerification(SignatureStatus.Valid, fingerprint, goodKeyId, statusLines) { SignedAt = signedAt };
        if (unknownKeyId is not null)
            return new SignatureVerification(SignatureStatus.UnknownKey, null, unknownKeyId, statusLines);
        if (signatures == 0 && noData)
            return new SignatureVerification(SignatureStatus.Unsigned, null, null, statusLines);
        return new SignatureVerification(SignatureStatus.Invalid, null, null, statusLines);
    }

    // VALIDSIG's creation time: seconds since the epoch, or (gnupg's DETAILS) an ISO 8601 form "yyyyMMddTHHmmss".
    private static DateTimeOffset? Timestamp(string field)
    {
        if (long.TryParse(field, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        return DateTimeOffset.TryParseExact(field, "yyyyMMdd'T'HHmmss", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;
    }
}
