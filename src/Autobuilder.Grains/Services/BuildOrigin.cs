namespace Autobuilder.Grains.Services;

/// <summary>
/// The upload a build's results must belong to: its .dsc (in <see cref="UploadFolder"/>, the
/// silo's own copy), source name and version (with epoch, as the .dsc has it), the product, and
/// the architecture this build was for.
/// </summary>
public sealed record BuildOrigin(string UploadFolder, string DscFileName, string Source, string Version, string Product, string Architecture);
