namespace Autobuilder.Grains.Options;

/// <summary>
/// "Autobuilder:Uploaders": who may upload and how files arrive — signature policy, rights and
/// source ownership, the SSH drop area and the HTTP upload.
/// </summary>
public sealed class UploadersOptions
{
    /// <summary>
    /// OpenPGP policy of repositories not named in <see cref="RepositorySignatures"/>:
    /// "required", "optional" (if signed the signature must be good) or "none" (quick start only).
    /// </summary>
    public string Signatures { get; set; } = "none";

    /// <summary>Per repository (name → policy), overriding <see cref="Signatures"/>.</summary>
    public Dictionary<string, string> RepositorySignatures { get; set; } = [];

    /// <summary>A signature older than this is refused (dak's replay protection).</summary>
    public double SignatureMaxAgeDays { get; set; } = 7;

    /// <summary>A signature dated further in the future than this is refused.</summary>
    public double SignatureMaxFutureDays { get; set; } = 1;

    /// <summary>
    /// Whether uploads need a right in the directory at all. Off only where nobody but operators
    /// can put files in (the quick start); on in every shipped cluster configuration.
    /// </summary>
    public bool RequireRights { get; set; }

    /// <summary>The first account to upload a source name owns it; others need a grant for that source.</summary>
    public bool SourceOwnership { get; set; }

    /// <summary>
    /// Quick start only (role "all"): at the first start, an account for the unix user running the
    /// silo, with an OpenPGP key made in &lt;data root&gt;/uploader-gnupg/ and the right to upload
    /// to the configured repository and products; <c>autobuilder upload</c> signs with that key.
    /// </summary>
    public bool QuickStartAccount { get; set; }

    /// <summary>The SSH upload area (the drop host).</summary>
    public DropOptions Drop { get; set; } = new();

    /// <summary>The HTTP upload (dput https, the web form).</summary>
    public HttpUploadOptions Http { get; set; } = new();
}

/// <summary>"Autobuilder:Uploaders:Drop".</summary>
public sealed class DropOptions
{
    /// <summary>Whether this garage takes uploads from the SSH areas.</summary>
    public bool Enabled { get; set; }

    /// <summary>The unix user every uploader key logs in as.</summary>
    public string User { get; set; } = "upload";

    /// <summary>One folder per uploader, &lt;Root&gt;/&lt;login&gt;/&lt;product&gt;/; outside the data root (the upload user writes there).</summary>
    public string Root { get; set; } = "/srv/autobuilder-drop";

    /// <summary>
    /// Minutes between two publications of the directory (keyring, SSH key index, authorized_keys)
    /// besides the one after every change: repairs a file changed by hand or a publish that failed.
    /// The seed's cron synced every 10 minutes.
    /// </summary>
    public double SyncMinutes { get; set; } = 10;
}

/// <summary>"Autobuilder:Uploaders:Http".</summary>
public sealed class HttpUploadOptions
{
    public bool Enabled { get; set; }
}
