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
    /// How sshd learns the uploader keys: "command" (AuthorizedKeysCommand answers from
    /// <see cref="KeyIndex"/>; a change counts at the next login) or "file" (<see cref="AuthorizedKeysFile"/>
    /// rewritten on every change). docs/sshd-autobuilder-drop.conf has sshd's side of both.
    /// </summary>
    public string Mode { get; set; } = "command";

    /// <summary>The sorted key index ab-drop-keys searches (command mode); outside the data root, which sshd's command user cannot read.</summary>
    public string KeyIndex { get; set; } = "/var/lib/autobuilder-drop/keys/index";

    /// <summary>The AuthorizedKeysCommandUser: its group may read <see cref="KeyIndex"/> (and nothing else of the silo's).</summary>
    public string KeyCommandUser { get; set; } = "abdropkeys";

    /// <summary>The upload user's authorized_keys (file mode): root-owned folders all the way, as sshd's StrictModes wants.</summary>
    public string AuthorizedKeysFile { get; set; } = "/var/lib/autobuilder-drop/authorized_keys";

    /// <summary>Where ab-drop-keys and ab-drop-sftp live (a silo running as root installs them there at start); root-owned folders all the way.</summary>
    public string Scripts { get; set; } = "/usr/local/lib/autobuilder/drop";

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
