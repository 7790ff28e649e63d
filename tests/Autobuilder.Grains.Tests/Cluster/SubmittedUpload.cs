namespace Autobuilder.Grains.Tests.Cluster;

/// <summary>An upload a test handed to the cluster the way intake does, and the message that did it.</summary>
public sealed record SubmittedUpload(string Id, UploadReceived Received)
{
    public string Build(string architecture) => $"{Id}/{architecture}";

    /// <summary>The folder the stub inspector answers for the upload's ticket.</summary>
    public string Folder => Doubles.StubUploadInspector.FolderOf(Received.Ticket);
}
