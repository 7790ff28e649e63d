namespace Autobuilder.Grains.Tests.Doubles;

/// <summary>One call of <see cref="StubUploadInspector.RejectAsync"/>.</summary>
public sealed record Rejection(string Folder, string UploadId, IReadOnlyList<string> Reasons, IReadOnlyList<UploadRejection> Checks);
