using Autobuilder.Acceptance;
using Autobuilder.Grains.Options;

namespace Autobuilder.Grains.Uploads.Checks;

/// <summary>What <c>autobuilder status</c> warns about in the uploaders' settings: a repository taking unsigned uploads, no rights asked.</summary>
public static class UploaderWarnings
{
    public static IReadOnlyList<string> Of(AutobuilderOptions options)
    {
        var warnings = new List<string>();
        var u = options.Uploaders;
        var repositories = new[] { options.Repository }.Concat(u.RepositorySignatures.Keys).Distinct(StringComparer.Ordinal);
        foreach (var repository in repositories)
        {
            var policy = SignaturePolicies.For(u, repository);
            if (policy == SignaturePolicy.None)
                warnings.Add($"OpenPGP policy 'none' for {repository}: unsigned uploads are taken and nobody's identity is checked (quick start only; set Autobuilder:Uploaders:Signatures to 'required')");
            var text = u.RepositorySignatures.TryGetValue(repository, out var own) ? own : u.Signatures;
            if (SignaturePolicies.Parse(text) is null)
                warnings.Add($"OpenPGP policy '{text}' for {repository} is none of required/optional/none: treated as 'required'");
        }
        if (!u.RequireRights)
            warnings.Add("upload rights are not checked (Autobuilder:Uploaders:RequireRights is false): anyone who can put files in an upload area may upload");
        return warnings;
    }
}
