using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Uploads;

namespace Autobuilder.Acceptance;

/// <summary>
/// What the garage's checks of one source upload see and decide. The facts come from the silo's
/// inspector (or, offline, from a folder); what only a running autobuilder knows (its products and
/// architectures, the uploaders' policy, the account directory, the accepted versions) is null
/// offline, and the checks that need it are skipped. The checks fill in <see cref="Account"/>,
/// <see cref="How"/> and <see cref="SignerFingerprint"/> as they go.
/// </summary>
public sealed class SourceUploadContext : IControlFileFacts
{
    public required string DscFileName { get; init; }

    /// <summary>The parsed .dsc; null when it could not be read (<see cref="DscError"/> says why).</summary>
    public DscFile? Dsc { get; init; }

    /// <summary>Why the .dsc could not be read, in an uploader's words.</summary>
    public string? DscError { get; init; }

    public required TakenFiles Taken { get; init; }

    /// <summary>What intake found while taking the files (a link, a pipe, a limit, a file that never came); null offline (no intake ran).</summary>
    public IReadOnlyList<string>? IntakeProblems { get; init; }

    /// <summary>The .changes taken with the .dsc, if any.</summary>
    public UploadChangesFacts? Changes { get; init; }

    /// <summary>Why the .changes taken with the .dsc could not be read, in an uploader's words.</summary>
    public string? ChangesError { get; init; }

    /// <summary>gpgv's facts; null offline (the directory's keyring is on the garage).</summary>
    public UploadSignature? Signature { get; init; }

    /// <summary>The login of the SSH/HTTP upload area the files came through, and how it is reached ("SSH upload area (key login)").</summary>
    public string? AreaLogin { get; init; }

    public string? AreaKind { get; init; }

    /// <summary>For incoming/ on the garage: the unix user owning the upload's .dsc there (the file system's word).</summary>
    public string? LocalUser { get; init; }

    /// <summary>For incoming/ on the garage: the console certificate that ran <c>autobuilder upload</c> (verified over TLS), or null.</summary>
    public string? LocalOperator { get; init; }

    public string? Product { get; init; }

    public string? Repository { get; init; }

    /// <summary>The products and architectures this autobuilder builds; null offline.</summary>
    public IReadOnlyList<string>? Products { get; init; }

    public IReadOnlyList<string>? Architectures { get; init; }

    public UploaderPolicy? Policy { get; init; }

    public IUploaderDirectory? Directory { get; init; }

    public IAcceptedVersions? Versions { get; init; }

    public DateTimeOffset Now { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The account the upload is from, once a check has established it.</summary>
    public string? Account { get; set; }

    /// <summary>How <see cref="Account"/> was established (or why there is none), for the history, the mail and <c>uploads show</c>.</summary>
    public string How { get; set; } = "not verified";

    public string? SignerFingerprint { get; set; }

    /// <summary>Who may grant a right: printed in refusals so an uploader knows whom to ask.</summary>
    public const string Granter = "an operator of this autobuilder";

    public string ControlFileName => DscFileName;

    public string? Source => Dsc?.Source;

    public string? Version => Dsc?.Version;

    public IReadOnlyList<FileEntry> ListedFiles => Dsc?.Files ?? [];

    /// <summary>The signature as the checks read it: no facts (offline) or no signature is "unsigned".</summary>
    public UploadSignature SignatureOrUnsigned => Signature ?? new UploadSignature(DscFileName, SignatureOutcome.Unsigned, null, null, null, "");

    public string Where => $"{Repository}/{Product}";
}
