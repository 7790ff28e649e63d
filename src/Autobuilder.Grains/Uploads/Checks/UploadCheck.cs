using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;

namespace Autobuilder.Grains.Uploads.Checks;

/// <summary>
/// One check an upload must pass before it is accepted, in the manner of dak's daklib/checks.py:
/// small, named, run in one ordered list (<see cref="UploadChecks.All"/>), cheapest first; the first
/// that refuses ends the list. A check reads the facts the silo's inspector gathered (grains do no
/// file or process I/O) and may ask the account directory; it returns null to let the upload pass.
/// </summary>
public abstract class UploadCheck
{
    /// <summary>The check's name as recorded with a rejection ("signature-valid"…).</summary>
    public abstract string Name { get; }

    public abstract Task<UploadRejection?> CheckAsync(UploadCheckContext context);

    protected UploadRejection Reject(string file, string? field, string? expected, string? found, string reason) =>
        new(Name, file, field, expected, found, reason);
}

/// <summary>The OpenPGP policy of a repository ("Autobuilder:Uploaders:Signatures", per repository in RepositorySignatures).</summary>
public enum SignaturePolicy
{
    /// <summary>Every upload must be signed by a current key of an enabled account.</summary>
    Required,

    /// <summary>An unsigned upload is taken; a signed one must be good.</summary>
    Optional,

    /// <summary>Signatures are not asked for (the quick start); a bad one still rejects.</summary>
    None,
}

public static class SignaturePolicies
{
    /// <summary>The policy for <paramref name="repository"/>; a value that is none of the three counts as "required" (never weaker by a typo).</summary>
    public static SignaturePolicy For(UploadersOptions options, string repository)
    {
        var text = options.RepositorySignatures.TryGetValue(repository, out var own) ? own : options.Signatures;
        return Parse(text) ?? SignaturePolicy.Required;
    }

    public static SignaturePolicy? Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "required" => SignaturePolicy.Required,
        "optional" => SignaturePolicy.Optional,
        "none" => SignaturePolicy.None,
        _ => null,
    };

    public static string Describe(SignaturePolicy policy) => policy.ToString().ToLowerInvariant();
}

/// <summary>
/// What the checks of one upload see and decide. The facts come from the inspection; the checks
/// fill in <see cref="Account"/> (who the upload is from, as verified), <see cref="How"/> and
/// <see cref="SignerFingerprint"/> as they go.
/// </summary>
public sealed class UploadCheckContext
{
    public required string UploadId { get; init; }
    public required string Product { get; init; }
    public required string Repository { get; init; }
    public required string Source { get; init; }
    public required string Version { get; init; }
    public required string DscFileName { get; init; }
    public required UploadInspection Inspection { get; init; }
    public required UploadOrigin Origin { get; init; }
    public required UploadersOptions Options { get; init; }
    public required DateTimeOffset Now { get; init; }
    public required IAccountDirectoryGrain Directory { get; init; }

    public SignaturePolicy Policy => SignaturePolicies.For(Options, Repository);

    public UploadSignature Signature => Inspection.Signature ?? new UploadSignature(DscFileName, SignatureOutcome.Unsigned, null, null, null, "");

    /// <summary>The account the upload is from, once a check has established it.</summary>
    public string? Account { get; set; }

    /// <summary>How <see cref="Account"/> was established (or why there is none), for the history, the mail and <c>uploads show</c>.</summary>
    public string How { get; set; } = "not verified";

    public string? SignerFingerprint { get; set; }

    /// <summary>Who may grant a right: printed in refusals so an uploader knows whom to ask.</summary>
    public const string Granter = "an operator of this autobuilder";

    public UploadIdentity Identity => new(Account, How, SignerFingerprint, Signature.Outcome == SignatureOutcome.Unsigned ? null : Signature.File);
}
