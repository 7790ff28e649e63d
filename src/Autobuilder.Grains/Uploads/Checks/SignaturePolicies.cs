using Autobuilder.Acceptance;
using Autobuilder.Grains.Options;

namespace Autobuilder.Grains.Uploads.Checks;

/// <summary>The OpenPGP policy of a repository, read from the uploaders' options (the policy itself is <see cref="SignaturePolicy"/>).</summary>
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

    /// <summary>The settings the garage's checks apply to an upload for <paramref name="repository"/>.</summary>
    public static UploaderPolicy PolicyFor(UploadersOptions options, string repository) =>
        new(For(options, repository), options.RequireRights, options.SourceOwnership, options.SignatureMaxAgeDays, options.SignatureMaxFutureDays);
}
