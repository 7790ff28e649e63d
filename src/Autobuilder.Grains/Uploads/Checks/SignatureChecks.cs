using Autobuilder.Grains.Services;

namespace Autobuilder.Grains.Uploads.Checks;

/// <summary>Under the policy "required", an upload must be signed.</summary>
public sealed class SignaturePresentCheck : UploadCheck
{
    public override string Name => "signature-present";

    public override Task<UploadRejection?> CheckAsync(UploadCheckContext c)
    {
        var s = c.Signature;
        if (s.Outcome != SignatureOutcome.Unsigned || c.Policy != SignaturePolicy.Required)
            return Task.FromResult<UploadRejection?>(null);
        return Task.FromResult<UploadRejection?>(Reject(s.File, "signature", "an OpenPGP signature", "none",
            $"{s.File} is not signed, but uploads to {c.Repository} must be (OpenPGP policy 'required'): sign it with debsign, " +
            "or with `autobuilder upload --sign`, using a key registered with your account"));
    }
}

/// <summary>
/// A signature that is there must be good, whatever the policy: a signed file whose text was
/// changed after signing is refused. A key the keyring does not hold is refused too, except under
/// the policy "none", where the upload is then simply not verified.
/// </summary>
public sealed class SignatureValidCheck : UploadCheck
{
    public override string Name => "signature-valid";

    public override Task<UploadRejection?> CheckAsync(UploadCheckContext c)
    {
        var s = c.Signature;
        UploadRejection? rejection = null;
        switch (s.Outcome)
        {
            case SignatureOutcome.Bad:
                rejection = Reject(s.File, "signature", "a good signature", "bad",
                    $"the OpenPGP signature of {s.File}{By(s)} is bad: {s.Detail}");
                break;
            case SignatureOutcome.UnknownKey when c.Policy == SignaturePolicy.None:
                c.How = $"not verified: {s.File} is signed by key {s.KeyId}, which no account has (OpenPGP policy 'none')";
                break;
            case SignatureOutcome.UnknownKey:
                rejection = Reject(s.File, "signature", "a key of an account", s.KeyId,
                    $"{s.File} is signed by key {s.KeyId}, which no account of this autobuilder has: " +
                    $"{UploadCheckContext.Granter} can add it to your account with `autobuilder accounts key add LOGIN --openpgp FILE`");
                break;
        }
        return Task.FromResult(rejection);
    }

    private static string By(UploadSignature s) => s.KeyId is { Length: > 0 } k ? $" (key {k})" : "";
}

/// <summary>
/// A good signature must be recent: not older than SignatureMaxAgeDays, not dated more than
/// SignatureMaxFutureDays ahead (dak's replay protection: an old signed upload cannot be sent again).
/// </summary>
public sealed class SignatureTimeCheck : UploadCheck
{
    public override string Name => "signature-time";

    public override Task<UploadRejection?> CheckAsync(UploadCheckContext c)
    {
        var s = c.Signature;
        if (s.Outcome != SignatureOutcome.Good)
            return Task.FromResult<UploadRejection?>(null);
        var maxAge = TimeSpan.FromDays(c.Options.SignatureMaxAgeDays);
        var maxFuture = TimeSpan.FromDays(c.Options.SignatureMaxFutureDays);
        UploadRejection? rejection = null;
        if (s.SignedAt is not { } at)
            rejection = Reject(s.File, "signature time", "a signature time", "none", $"the signature of {s.File} by key {s.Fingerprint} carries no time");
        else if (c.Now - at > maxAge)
            rejection = Reject(s.File, "signature time", $"after {c.Now - maxAge:yyyy-MM-dd HH:mm:ss'Z'}", $"{at.UtcDateTime:yyyy-MM-dd HH:mm:ss'Z'}",
                $"the signature of {s.File} by key {s.Fingerprint} was made on {at.UtcDateTime:yyyy-MM-dd HH:mm:ss'Z'}, more than {c.Options.SignatureMaxAgeDays:0.##} days ago " +
                "(Autobuilder:Uploaders:SignatureMaxAgeDays; an old signed upload is not taken again): sign it again and upload");
        else if (at - c.Now > maxFuture)
            rejection = Reject(s.File, "signature time", $"before {c.Now + maxFuture:yyyy-MM-dd HH:mm:ss'Z'}", $"{at.UtcDateTime:yyyy-MM-dd HH:mm:ss'Z'}",
                $"the signature of {s.File} by key {s.Fingerprint} is dated {at.UtcDateTime:yyyy-MM-dd HH:mm:ss'Z'}, more than {c.Options.SignatureMaxFutureDays:0.##} days in the future " +
                "(Autobuilder:Uploaders:SignatureMaxFutureDays): check your computer's clock and sign again");
        return Task.FromResult(rejection);
    }
}

/// <summary>
/// The directory's word on a good signature: the key must belong to an enabled account and be
/// current (not removed, not expired) when it signed. The account becomes the upload's uploader.
/// </summary>
public sealed class SignerAccountCheck : UploadCheck
{
    public override string Name => "signer-account";

    public override async Task<UploadRejection?> CheckAsync(UploadCheckContext c)
    {
        var s = c.Signature;
        if (s.Outcome != SignatureOutcome.Good)
            return null;
        var signer = await c.Directory.FindSignerAsync(s.Fingerprint!, s.SignedAt!.Value);
        if (signer.Login is null || signer.Refusal is not null)
        {
            return Reject(s.File, "signature", "a current key of an enabled account", s.Fingerprint,
                $"{s.File} is signed by key {s.Fingerprint}, which may not sign uploads: {signer.Refusal ?? "the directory knows no account for it"}");
        }
        c.Account = signer.Login;
        c.SignerFingerprint = s.Fingerprint;
        c.How = $"OpenPGP signature on {s.File} by key {s.Fingerprint} of account {signer.Login}";
        return null;
    }
}
