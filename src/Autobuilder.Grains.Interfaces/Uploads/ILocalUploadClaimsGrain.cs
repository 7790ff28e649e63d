using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>
/// Who put an upload into incoming/ on the garage with <c>autobuilder upload</c> (key 0, on the
/// garage). The console claims the .dsc it is about to rename into incoming/ — product, name and
/// SHA-256 of the very bytes — over its certificate, before the rename; the access filter names the
/// caller (and, an operator's method, writes it to the audit log), so the name recorded is the
/// certificate's, never anything the files say. Intake asks when it delivers a local upload.
/// </summary>
public interface ILocalUploadClaimsGrain : IGrainWithIntegerKey
{
    /// <summary>Records the caller's certificate name for this .dsc; answers what was recorded.</summary>
    [Operator]
    Task<string> ClaimAsync(LocalUploadClaim claim);

    /// <summary>The certificate name that claimed this .dsc (product, name, SHA-256), or null (copied in by hand, or claimed too long ago).</summary>
    [SiloOnly]
    Task<string?> FindAsync(LocalUploadClaim claim);
}

/// <summary>A .dsc put into incoming/&lt;product&gt;/ by <c>autobuilder upload</c>: its name and the SHA-256 (lower-case hex) of its bytes there.</summary>
[GenerateSerializer, Immutable]
public sealed record LocalUploadClaim(
    [property: Id(0)] string Product,
    [property: Id(1)] string DscFileName,
    [property: Id(2)] string Sha256);
