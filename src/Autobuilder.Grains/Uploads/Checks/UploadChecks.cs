namespace Autobuilder.Grains.Uploads.Checks;

/// <summary>
/// The checks an upload passes, in order, cheapest first; the first refusal ends the list (as in
/// dak's daklib/checks.py). The file checks that ran before this list (names, sizes, sums of the
/// .dsc's files, source name, version syntax, architectures) and the version rule after it are
/// still in the upload grain; issue 12 moves them here.
/// </summary>
public static class UploadChecks
{
    public static IReadOnlyList<UploadCheck> All { get; } =
    [
        new ChangesNamesDscCheck(),
        new ChangesMatchesDscCheck(),
        new ChangesChecksumsCheck(),
        new SignaturePresentCheck(),
        new SignatureValidCheck(),
        new SignatureTimeCheck(),
        new SignerAccountCheck(),
        new UploaderAccountCheck(),
        new SourceOwnershipCheck(),
        new UploadRightCheck(),
    ];

    /// <summary>Runs <paramref name="checks"/> in order; null when all pass (the context then says who the upload is from).</summary>
    public static async Task<UploadRejection?> RunAsync(UploadCheckContext context, IReadOnlyList<UploadCheck>? checks = null)
    {
        foreach (var check in checks ?? All)
        {
            if (await check.CheckAsync(context) is { } rejection)
                return rejection;
        }
        return null;
    }
}
