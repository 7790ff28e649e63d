namespace Autobuilder.Grains;

/// <summary>How an upload's files reached the garage.</summary>
public enum UploadChannel
{
    /// <summary>incoming/&lt;product&gt;/ on the garage's disk (<c>autobuilder upload</c>, an operator's copy).</summary>
    Local = 0,

    /// <summary>An uploader's SSH area (scp, sftp, dput method scp): &lt;Drop:Root&gt;/&lt;login&gt;/&lt;product&gt;/.</summary>
    Ssh = 1,

    /// <summary>The HTTP upload (dput method https, the web form): http-incoming/&lt;login&gt;/&lt;product&gt;/.</summary>
    Http = 2,
}

/// <summary>
/// Where an upload came from: the channel, and for SSH and HTTP the account whose area (key or
/// token) it arrived through. Recorded with the upload; the signer, when signed, is separate.
/// <see cref="LocalUser"/>: for incoming/ on the garage, the unix user who owns the upload's .dsc
/// there (who ran <c>autobuilder upload</c> or copied it in; the file system's word, not the upload's).
/// <see cref="Operator"/>: for incoming/, the console certificate that ran <c>autobuilder upload</c>
/// (claimed over TLS before the .dsc appeared, <see cref="ILocalUploadClaimsGrain"/>; the name the audit log gives).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UploadOrigin(
    [property: Id(0)] UploadChannel Channel,
    [property: Id(1)] string? Login,
    [property: Id(2)] string? LocalUser = null,
    [property: Id(3)] string? Operator = null)
{
    /// <summary>Where the upload came from, in the words the console and the pages show.</summary>
    public static string Describe(UploadOrigin? origin) => origin switch
    {
        { Channel: UploadChannel.Local, Operator: { Length: > 0 } op } =>
            $"incoming/ on the garage ('autobuilder upload' by operator {op}{(origin.LocalUser is { Length: > 0 } u ? $", unix user {u}" : "")})",
        { Channel: UploadChannel.Local, LocalUser: { Length: > 0 } user } => $"incoming/ on the garage (local; put there by unix user {user})",
        null or { Channel: UploadChannel.Local } => "incoming/ on the garage (local)",
        { Channel: UploadChannel.Ssh } => $"SSH upload area of {origin.Login}",
        { Channel: UploadChannel.Http } => $"HTTP upload of {origin.Login}",
        _ => origin.Channel.ToString(),
    };
}
