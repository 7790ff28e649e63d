namespace Autobuilder.Grains.Uploads.Checks;

/// <summary>
/// Who an unsigned upload is from: the account whose SSH or HTTP upload area it came through (the
/// area is reachable only with that account's key or token). An unsigned upload put into
/// incoming/ on the garage has no account (an operator's copy). Where rights are required, an
/// upload without an account is refused.
/// </summary>
public sealed class UploaderAccountCheck : UploadCheck
{
    public override string Name => "uploader-account";

    public override Task<UploadRejection?> CheckAsync(UploadCheckContext c)
    {
        if (c.Account is null && c.Origin.Channel != UploadChannel.Local && c.Origin.Login is { Length: > 0 } login)
        {
            c.Account = login;
            var how = c.Origin.Channel == UploadChannel.Ssh ? "SSH upload area (key login)" : "HTTP upload area (token login)";
            c.How = c.Signature.Outcome == Services.SignatureOutcome.Unsigned
                ? $"unsigned; came through the {how} of account {login}"
                : $"{c.How}; came through the {how} of account {login}";
        }
        else if (c.Account is null && c.Origin.Channel == UploadChannel.Local && c.Signature.Outcome == Services.SignatureOutcome.Unsigned)
            c.How = c.Origin.LocalUser is { Length: > 0 } user
                ? $"unsigned; put into incoming/ on the garage by unix user {user} (an operator's copy): no account"
                : "unsigned; put into incoming/ on the garage (an operator's copy): no account";
        if (c.Account is not null || !c.Options.RequireRights)
            return Task.FromResult<UploadRejection?>(null);
        return Task.FromResult<UploadRejection?>(Reject(c.DscFileName, "uploader", "an account", "none",
            $"uploads to {c.Repository}/{c.Product} need an account with the right to upload (Autobuilder:Uploaders:RequireRights), " +
            $"but this one has none ({c.How}): sign it with a key registered with your account, or upload through your own upload area"));
    }
}

/// <summary>With source ownership on, a source name belongs to the account that first uploaded it: an upload with no account cannot be weighed against its owner.</summary>
public sealed class SourceOwnershipCheck : UploadCheck
{
    public override string Name => "source-ownership";

    public override Task<UploadRejection?> CheckAsync(UploadCheckContext c)
    {
        if (!c.Options.SourceOwnership || c.Account is not null)
            return Task.FromResult<UploadRejection?>(null);
        return Task.FromResult<UploadRejection?>(Reject(c.DscFileName, "uploader", "an account", "none",
            $"source ownership is on (Autobuilder:Uploaders:SourceOwnership), so an upload of {c.Source} must come from an account, " +
            $"but this one has none ({c.How}): sign it with a key registered with your account"));
    }
}

/// <summary>
/// The directory's word on the right: the account may upload to this repository and product, and
/// (source ownership on) this source name. Asked last: with ownership on, the first allowed upload
/// of a source makes its uploader the owner.
/// </summary>
public sealed class UploadRightCheck : UploadCheck
{
    public override string Name => "upload-right";

    public override async Task<UploadRejection?> CheckAsync(UploadCheckContext c)
    {
        if (c.Account is not { } account || !(c.Options.RequireRights || c.Options.SourceOwnership))
            return null;
        var answer = await c.Directory.AuthorizeUploadAsync(new UploadPermissionRequest(account, c.Repository, c.Product, c.Source));
        if (answer.Allowed)
            return null;
        return Reject(c.DscFileName, "right", $"{c.Repository}/{c.Product} for {c.Source}", account,
            answer.Refusal ?? $"account {account} may not upload {c.Source} to {c.Repository}/{c.Product}: " +
            $"{UploadCheckContext.Granter} can grant it with `autobuilder accounts grant {account} {c.Repository} {c.Product}`");
    }
}
