namespace Autobuilder.Grains.Options;

/// <summary>The folders under the data root, named once (ARCHITECTURE.md §4).</summary>
public sealed class DataPaths(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>Where uploaders drop files, one folder per product.</summary>
    public string Incoming(string product) => Path.Combine(IncomingRoot, product);

    public string IncomingRoot => Path.Combine(Root, "incoming");

    /// <summary>The HTTP upload's areas, one per account: http-incoming/&lt;login&gt;/&lt;product&gt;/.</summary>
    public string HttpIncomingRoot => Path.Combine(Root, "http-incoming");

    public string HttpIncoming(string login, string product) => Path.Combine(HttpIncomingRoot, login, product);

    /// <summary>
    /// On the garage: uploads a separate drop host shipped, per account as in its SSH areas,
    /// drop-incoming/&lt;login&gt;/&lt;product&gt;/; files arrive under .partial/ and are renamed in.
    /// </summary>
    public string DropIncomingRoot => Path.Combine(Root, "drop-incoming");

    /// <summary>What the directory publishes for gpgv and sshd (keyring, SSH key index).</summary>
    public string Accounts => Path.Combine(Root, "accounts");

    /// <summary>Every OpenPGP key the directory holds or held, binary, for <c>gpgv --keyring</c>.</summary>
    public string AccountsKeyring => Path.Combine(Accounts, "keyring.gpg");

    /// <summary>Uploads taken from incoming, one folder per intake ticket, until they are done.</summary>
    public string Uploads => Path.Combine(Root, "uploads");

    public string Rejected => Path.Combine(Root, "rejected");

    /// <summary>Entries of incoming that belong to no upload and are not regular files, set aside with their reason.</summary>
    public string Stray => Path.Combine(Root, "stray");

    public string Results => Path.Combine(Root, "results");

    public string RepoIncoming(string repository, string product) => Path.Combine(Root, "repo-incoming", repository, product);

    public string Outbox => Path.Combine(Root, "outbox");

    public string Logs => Path.Combine(Root, "logs");

    /// <summary>The log of one attempt of a build, written while it runs.</summary>
    public string LiveLog(string uploadId, string architecture, int attempt) =>
        Path.Combine(Logs, IdPath(uploadId), $"{architecture}.{attempt}.log");

    /// <summary>Per-build folders of local builder slots.</summary>
    public string Work => Path.Combine(Root, "work");

    /// <summary>Durable grain state.</summary>
    public string State => Path.Combine(Root, "state");

    /// <summary>An upload id ("product/source_version/seq") as a relative path; ids hold only safe characters.</summary>
    public static string IdPath(string uploadId) => Path.Combine(uploadId.Split('/'));

    public string ResultsFor(string product, string uploadId, string architecture) =>
        Path.Combine(Results, product, IdPath(uploadId).Substring(product.Length + 1), architecture);
}
