namespace Autobuilder.Acceptance.Checks;

/// <summary>Under the policy "required", an upload must be signed.</summary>
public sealed class SignaturePresentCheck : AcceptanceCheck<SourceUploadContext>
{
    public override string Name => "signature-present";

    public override string Question => "Is the upload signed, where the repository's OpenPGP policy requires it?";

    public override CheckFlow Flow => CheckFlow.Final;

    public override Task<CheckOutcome> CheckAsync(SourceUploadContext c)
    {
        if (c.Signature is null || c.Policy is not { } policy)
            return Skip(SignatureChecks.Offline);
        var s = c.Signature;
        if (s.Outcome != SignatureOutcome.Unsigned || policy.Signatures != SignaturePolicy.Required)
            return Pass();
        return Reject(s.File, "signature", "an OpenPGP signature", "none",
            $"{s.File} is not signed, but uploads to {c.Repository} must be (OpenPGP policy 'required'): sign it with debsign, " +
            "or with `autobuilder upload --sign`, using a key registered with your account");
    }
}

/// <summary>
/// A signature that is there must be good, whatever the policy: a signed file whose text was
/// changed after signing is refused. A key the keyring does not hold is refused too, except under
/// the policy "none", where the upload is then simply not verified.
/// </summary>
public sealed class SignatureValidCheck : AcceptanceCheck<SourceUploadContext>
{
    public override string Name => "signature-valid";

    public override string Question => "Is a signature that is there good, by a key the directory's keyring holds?";

    public override CheckFlow Flow => CheckFlow.Final;

    public override Task<CheckOutcome> CheckAsync(SourceUploadContext c)
    {
        if (c.Signature is not { } s || c.Policy is not { } policy)
            return Skip(SignatureChecks.Offline);
        switch (s.Outcome)
        {
            case SignatureOutcome.Bad:
                return Reject(s.File, "signature", "a good signature", "bad", $"the OpenPGP signature of {s.File}{By(s)} is bad: {s.Detail}");
            case SignatureOutcome.UnknownKey when policy.Signatures == SignaturePolicy.None:
                c.How = $"not verified: {s.File} is signed by key {s.KeyId}, which no account has (OpenPGP policy 'none')";
                return Pass();
            case SignatureOutcome.UnknownKey:
                return Reject(s.File, "signature", "a key of an account", s.KeyId,
                    $"{s.File} is signed by key {s.KeyId}, which no account of this autobuilder has: " +
                    $"{SourceUploadContext.Granter} can add it to your account with `autobuilder accounts key add LOGIN --openpgp FILE`");
            default:
                return Pass();
        }
    }

    private static string By(UploadSignature s) => s.KeyId is { Length: > 0 } k ? $" (key {k})" : "";
}

/// <summary>
/// A good signature must be recent: not older than SignatureMaxAgeDays, not dated more than
/// SignatureMaxFutureDays ahead (dak's replay protection: an old signed upload cannot be sent again).
/// </summary>
public sealed class SignatureTimeCheck : AcceptanceCheck<SourceUploadContext>
{
    public override string Name => "signature-time";

    public override string Question => "Was a good signature made recently, and not in the future?";

    public override CheckFlow Flow => CheckFlow.Final;

    public override Task<CheckOutcome> CheckAsync(SourceUploadContext c)
    {
        if (c.Signature is not { } s || c.Policy is not { } policy)
            return Skip(SignatureChecks.Offline);
        if (s.Outcome != SignatureOutcome.Good)
            return Pass();
        var maxAge = TimeSpan.FromDays(policy.SignatureMaxAgeDays);
        var maxFuture = TimeSpan.FromDays(policy.SignatureMaxFutureDays);
        if (s.SignedAt is not { } at)
            return Reject(s.File, "signature time", "a signature time", "none", $"the signature of {s.File} by key {s.Fingerprint} carries no time");
        if (c.Now - at > maxAge)
            return Reject(s.File, "signature time", $"after {c.Now - maxAge:yyyy-MM-dd HH:mm:ss'Z'}", $"{at.UtcDateTime:yyyy-MM-dd HH:mm:ss'Z'}",
                $"the signature of {s.File} by key {s.Fingerprint} was made on {at.UtcDateTime:yyyy-MM-dd HH:mm:ss'Z'}, more than {policy.SignatureMaxAgeDays:0.##} days ago " +
                "(Autobuilder:Uploaders:SignatureMaxAgeDays; an old signed upload is not taken again): sign it again and upload");
        if (at - c.Now > maxFuture)
            return Reject(s.File, "signature time", $"before {c.Now + maxFuture:yyyy-MM-dd HH:mm:ss'Z'}", $"{at.UtcDateTime:yyyy-MM-dd HH:mm:ss'Z'}",
                $"the signature of {s.File} by key {s.Fingerprint} is dated {at.UtcDateTime:yyyy-MM-dd HH:mm:ss'Z'}, more than {policy.SignatureMaxFutureDays:0.##} days in the future " +
                "(Autobuilder:Uploaders:SignatureMaxFutureDays): check your computer's clock and sign again");
        return Pass();
    }
}

/// <summary>
/// The directory's word on a good signature: the key must belong to an enabled account and be
/// current (not removed, not expired) when it signed. The account becomes the upload's uploader.
/// </summary>
public sealed class SignerAccountCheck : AcceptanceCheck<SourceUploadContext>
{
    public override string Name => "signer-account";

    public override string Question => "Does a good signature's key belong, current, to an enabled account?";

    public override CheckFlow Flow => CheckFlow.Final;

    public override async Task<CheckOutcome> CheckAsync(SourceUploadContext c)
    {
        if (c.Signature is not { } s || c.Directory is not { } directory)
            return CheckOutcome.Skip("needs the account directory of a running garage");
        if (s.Outcome != SignatureOutcome.Good)
            return CheckOutcome.Passed;
        var signer = await directory.FindSignerAsync(s.Fingerprint!, s.SignedAt!.Value);
        if (signer.Login is null || signer.Refusal is not null)
        {
            return CheckOutcome.Refused([Rejection(s.File, "signature", "a current key of an enabled account", s.Fingerprint,
                $"{s.File} is signed by key {s.Fingerprint}, which may not sign uploads: {signer.Refusal ?? "the directory knows no account for it"}")]);
        }
        c.Account = signer.Login;
        c.SignerFingerprint = s.Fingerprint;
        c.How = $"OpenPGP signature on {s.File} by key {s.Fingerprint} of account {signer.Login}";
        return CheckOutcome.Passed;
    }
}

internal static class SignatureChecks
{
    public const string Offline = "needs gpgv with the account directory's keyring and the repository's OpenPGP policy, on the garage";
}
