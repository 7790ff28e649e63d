using Autobuilder.Acceptance.Checks;

namespace Autobuilder.Acceptance;

/// <summary>
/// The two ordered lists, cheapest first (dak's daklib/checks.py): the garage's, for a source
/// upload, and the stage's, for a .changes of built packages. The checks they share are the same
/// objects. Adding a rule = one class and one line here.
/// </summary>
public static class AcceptanceLists
{
    private static readonly SourceNameCheck SourceName = new();
    private static readonly VersionSyntaxCheck VersionSyntax = new();
    private static readonly FileNamesCheck FileNames = new();
    private static readonly FileSumsCheck FileSums = new();

    /// <summary>A source upload at the garage: its files, its .dsc, the build plan, its .changes, who sent it, its version.</summary>
    public static CheckList<SourceUploadContext> SourceUpload { get; } = new(
    [
        new FilesTakenCheck(),
        new DscWellFormedCheck(),
        SourceName,
        VersionSyntax,
        new DscNameCheck(),
        FileNames,
        FileSums,
        new ProductKnownCheck(),
        new ArchitecturesBuildableCheck(),
        new ChangesReadableCheck(),
        new ChangesNamesDscCheck(),
        new ChangesMatchesDscCheck(),
        new ChangesChecksumsCheck(),
        new ChangedByCheck(),
        new SignaturePresentCheck(),
        new SignatureValidCheck(),
        new SignatureTimeCheck(),
        new SignerAccountCheck(),
        new UploaderAccountCheck(),
        new SourceOwnershipCheck(),
        new UploadRightCheck(),
        // Last: the registry takes the version when it says yes.
        new VersionNewerCheck(),
    ]);

    /// <summary>A .changes at the stage: its target, its files, each .deb and .dsc, then against what the distribution holds.</summary>
    public static CheckList<StageChangesContext> StageChanges { get; } = new(
    [
        new ChangesWellFormedCheck(),
        new RepositoryKnownCheck(),
        new RepositoryTakesUploadsCheck(),
        new ProductOfRepositoryCheck(),
        new DistributionMatchesCheck(),
        SourceName,
        VersionSyntax,
        FileNames,
        FileSums,
        new Sha1ListedCheck(),
        new NoUdebCheck(),
        new BinariesReadableCheck(),
        new BinaryNamesCheck(),
        new BinariesInChangesCheck(),
        new BinariesFromSourceCheck(),
        new OneDscCheck(),
        new DscMatchesChangesCheck(),
        new BringsSomethingCheck(),
        new BinaryOnceCheck(),
        new ArchitectureAllowedCheck(),
        new HeldVersionNewerCheck(),
    ]);

    /// <summary>
    /// A package moving up the QA ladder (issue 15): the target and its binaries first, then the
    /// votes and the quarantine, then the tools' findings. Every refusal is collected: the excuses
    /// name each thing that holds a package.
    /// </summary>
    public static CheckList<PromotionContext> Promotion { get; } = new(
    [
        new NotBackwardsCheck(),
        new BinariesCompleteCheck(),
        new QuarantineCheck(),
        new KarmaCheck(),
        new BlockerVoteCheck(),
        new NoEarlierBlockerCheck(),
        new MaintainerConfirmedCheck(),
        new InstallableCheck(),
        new LintianCheck(),
    ]);
}
