using Autobuilder.Acceptance;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;

namespace Autobuilder.Grains.Uploads.Checks;

/// <summary>
/// Runs the garage's list (<see cref="AcceptanceLists.SourceUpload"/>) for one upload: the facts
/// from the inspection, the configuration, and the account directory and upload registry behind
/// the list's ports. What the list decided comes back as the grain records it.
/// </summary>
public static class SourceAcceptance
{
    public static async Task<SourceVerdict> CheckAsync(IGrainFactory grains, AutobuilderOptions options, UploadInspection inspection,
        string uploadId, string product, string dscFileName, UploadOrigin origin, DateTimeOffset now)
    {
        var directory = grains.GetGrain<IAccountDirectoryGrain>(0);
        var context = new SourceUploadContext
        {
            DscFileName = dscFileName,
            Dsc = inspection.Dsc,
            DscError = inspection.DscError,
            Taken = inspection.Taken ?? new TakenFiles(new Dictionary<string, Debian.Checksums.ChecksumSet>()),
            IntakeProblems = inspection.Problems,
            Changes = inspection.Changes,
            ChangesError = inspection.ChangesError,
            // gpgv ran on the garage: no signature found is "unsigned", never "not checked".
            Signature = inspection.Signature ?? new UploadSignature(dscFileName, SignatureOutcome.Unsigned, null, null, null, ""),
            AreaLogin = origin.Channel == UploadChannel.Local ? null : origin.Login,
            AreaKind = origin.Channel == UploadChannel.Ssh ? "SSH upload area (key login)" : "HTTP upload area (token login)",
            LocalUser = origin.Channel == UploadChannel.Local ? origin.LocalUser : null,
            LocalOperator = origin.Channel == UploadChannel.Local ? origin.Operator : null,
            Product = product,
            Repository = options.Repository,
            Products = options.Products,
            Architectures = options.Architectures,
            Policy = SignaturePolicies.PolicyFor(options.Uploaders, options.Repository),
            Directory = new DirectoryPort(directory),
            Versions = new RegistryPort(grains.GetGrain<IUploadRegistryGrain>(product), uploadId),
            Now = now,
        };
        var run = await AcceptanceLists.SourceUpload.RunAsync(context);
        // Who sent it is asked only of an upload whose files passed; until then it is unknown, not "unverified".
        var asked = run.Results.Any(r => r.Check == "signature-present");
        var identity = !asked ? null : new UploadIdentity(context.Account, context.How, context.SignerFingerprint,
            context.SignatureOrUnsigned.Outcome == SignatureOutcome.Unsigned ? null : context.SignatureOrUnsigned.File);
        string? email = null;
        // The account's address too when the list refused: the rejection mail goes to the verified uploader.
        if (context.Account is { } account)
            email = await directory.GetEmailAsync(account);
        return new SourceVerdict([.. run.Rejections.Select(r => r.ToUpload())], identity, email);
    }

    /// <summary>
    /// The rejections to write into REJECTED.txt: the recorded ones, or, for an upload rejected
    /// before rejections were recorded whole (its state holds only the reasons), one per reason.
    /// </summary>
    public static IReadOnlyList<UploadRejection> Recorded(IReadOnlyList<UploadRejection> rejections, IReadOnlyList<string> problems) =>
        rejections.Select(r => r.Reason).SequenceEqual(problems)
            ? rejections
            : [.. problems.Select(p => new UploadRejection("recorded", "", null, null, null, p))];

    public static UploadRejection ToUpload(this CheckRejection r) => new(r.Check, r.File, r.Field, r.Expected, r.Found, r.Reason);

    public static CheckRejection ToCheck(this UploadRejection r) => new(r.Check, r.File, r.Field, r.Expected, r.Found, r.Reason);

    private sealed class DirectoryPort(IAccountDirectoryGrain directory) : IUploaderDirectory
    {
        public async Task<SignerAnswer> FindSignerAsync(string fingerprint, DateTimeOffset signedAt)
        {
            var signer = await directory.FindSignerAsync(fingerprint, signedAt);
            return new SignerAnswer(signer.Login, signer.Refusal);
        }

        public async Task<string?> RefuseUploadAsync(string account, string repository, string product, string source)
        {
            var answer = await directory.AuthorizeUploadAsync(new UploadPermissionRequest(account, repository, product, source));
            return answer.Allowed ? null : answer.Refusal ?? "";
        }
    }

    private sealed class RegistryPort(IUploadRegistryGrain registry, string uploadId) : IAcceptedVersions
    {
        public Task<string?> AcceptAsync(string source, string version) => registry.AcceptVersionAsync(source, version, uploadId);
    }
}

/// <summary>What the garage's list decided: every rejection (none = accepted), who the upload is from, and that account's mail address.</summary>
public sealed record SourceVerdict(IReadOnlyList<UploadRejection> Rejections, UploadIdentity? Identity, string? AccountEmail);
