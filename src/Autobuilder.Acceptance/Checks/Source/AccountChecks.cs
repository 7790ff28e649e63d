namespace Autobuilder.Acceptance.Checks;

/// <summary>
/// Who an unsigned upload is from: the account whose SSH or HTTP upload area it came through (the
/// area is reachable only with that account's key or token). An unsigned upload put into
/// incoming/ on the garage has no account (an operator's copy): its uploader is the operator whose
/// console certificate ran <c>autobuilder upload</c>, when it did, else the unix user owning the
/// file. Where rights are required, an upload without an account is refused — an operator's too:
/// a console certificate carries no upload right (README "Uploaders").
/// </summary>
public sealed class UploaderAccountCheck : AcceptanceCheck<SourceUploadContext>
{
    public override string Name => "uploader-account";

    public override string Question => "Is the upload from an account, where rights are required?";

    public override CheckFlow Flow => CheckFlow.Final;

    public override Task<CheckOutcome> CheckAsync(SourceUploadContext c)
    {
        if (c.Policy is not { } policy)
            return Skip("needs the uploaders' settings and where the upload came from, on the garage");
        var unsigned = c.SignatureOrUnsigned.Outcome == SignatureOutcome.Unsigned;
        if (c.Account is null && c.AreaLogin is { Length: > 0 } login)
        {
            c.Account = login;
            var how = c.AreaKind ?? "upload area";
            c.How = unsigned ? $"unsigned; came through the {how} of account {login}" : $"{c.How}; came through the {how} of account {login}";
        }
        else if (c.Account is null && unsigned && c.LocalOperator is { Length: > 0 } op)
            c.How = $"unsigned; put into incoming/ on the garage with 'autobuilder upload' by operator {op} (console certificate): no account";
        else if (c.Account is null && unsigned)
            c.How = c.LocalUser is { Length: > 0 } user
                ? $"unsigned; put into incoming/ on the garage by unix user {user} (an operator's copy): no account"
                : "unsigned; put into incoming/ on the garage (an operator's copy): no account";
        if (c.Account is not null || !policy.RequireRights)
            return Pass();
        if (unsigned && c.LocalOperator is { Length: > 0 } operatorName)
        {
            return Reject(c.DscFileName, "uploader", "an account", $"operator {operatorName}",
                $"uploads to {c.Where} need an account with the right to upload (Autobuilder:Uploaders:RequireRights); this one was put into incoming/ " +
                $"unsigned by operator {operatorName} with 'autobuilder upload', and an operator's console certificate carries no upload right: " +
                "sign it with the OpenPGP key of an account that has the right (autobuilder upload --sign --gnupg-home DIR --key FINGERPRINT)");
        }
        return Reject(c.DscFileName, "uploader", "an account", "none",
            $"uploads to {c.Where} need an account with the right to upload (Autobuilder:Uploaders:RequireRights), " +
            $"but this one has none ({c.How}): sign it with a key registered with your account, or upload through your own upload area");
    }
}

/// <summary>With source ownership on, a source name belongs to the account that first uploaded it: an upload with no account cannot be weighed against its owner.</summary>
public sealed class SourceOwnershipCheck : AcceptanceCheck<SourceUploadContext>
{
    public override string Name => "source-ownership";

    public override string Question => "Is the upload from an account, where source names have owners?";

    public override CheckFlow Flow => CheckFlow.Final;

    public override Task<CheckOutcome> CheckAsync(SourceUploadContext c)
    {
        if (c.Policy is not { } policy)
            return Skip("needs the uploaders' settings, on the garage");
        if (!policy.SourceOwnership || c.Account is not null)
            return Pass();
        return Reject(c.DscFileName, "uploader", "an account", "none",
            $"source ownership is on (Autobuilder:Uploaders:SourceOwnership), so an upload of {c.Source} must come from an account, " +
            $"but this one has none ({c.How}): sign it with a key registered with your account");
    }
}

/// <summary>
/// The directory's word on the right: the account may upload to this repository and product, and
/// (source ownership on) this source name. Asked after the other account checks: with ownership on,
/// the first allowed upload of a source makes its uploader the owner.
/// </summary>
public sealed class UploadRightCheck : AcceptanceCheck<SourceUploadContext>
{
    public override string Name => "upload-right";

    public override string Question => "May the account upload this source to this repository and product?";

    public override CheckFlow Flow => CheckFlow.Final;

    public override async Task<CheckOutcome> CheckAsync(SourceUploadContext c)
    {
        if (c.Policy is not { } policy || c.Directory is not { } directory)
            return CheckOutcome.Skip("needs the account directory of a running garage");
        if (c.Account is not { } account || !(policy.RequireRights || policy.SourceOwnership))
            return CheckOutcome.Passed;
        var refusal = await directory.RefuseUploadAsync(account, c.Repository!, c.Product!, c.Source!);
        if (refusal is null)
            return CheckOutcome.Passed;
        return CheckOutcome.Refused([Rejection(c.DscFileName, "right", $"{c.Where} for {c.Source}", account,
            refusal.Length > 0 ? refusal : $"account {account} may not upload {c.Source} to {c.Where}: " +
            $"{SourceUploadContext.Granter} can grant it with `autobuilder accounts grant {account} {c.Repository} {c.Product}`")]);
    }
}
