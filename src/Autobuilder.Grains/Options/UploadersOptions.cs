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

    /// <summary>
    /// Most bytes one account's drop area (all products) may hold: no login at or above it, and a
    /// session that goes over it is ended (ab-drop-sftp); 0: Intake:MaxUploadBytes. One file is
    /// bounded by Intake:MaxFileBytes as well.
    /// </summary>
    public long MaxAreaBytes { get; set; }
}

/// <summary>
/// "Autobuilder:Uploaders:Http": the garage's HTTP upload (dput's https method, the web form).
/// Files land in &lt;data root&gt;/http-incoming/&lt;login&gt;/&lt;product&gt;/ under a temporary hidden
/// name and are renamed when complete; intake takes them from there. Size limits are intake's
/// (Autobuilder:Intake: MaxDscBytes for .dsc/.changes, MaxFileBytes, MaxUploadBytes).
/// </summary>
public sealed class HttpUploadOptions
{
    /// <summary>Whether the garage (or the silo of role "all") serves the HTTP upload.</summary>
    public bool Enabled { get; set; }

    /// <summary>The address to listen on (an IP address): 127.0.0.1 unless uploaders come from elsewhere.</summary>
    public string Address { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 8443;

    /// <summary>
    /// False serves plain HTTP: only behind a TLS-terminating proxy on the same host, because the
    /// token travels in every request. The silo warns at start when it is off.
    /// </summary>
    public bool Tls { get; set; } = true;

    /// <summary>
    /// A PEM certificate (with its chain) for TLS; empty: one issued by the autobuilder's own CA,
    /// made on first start where the CA key is (&lt;certs&gt;/web/http-upload.pem), for
    /// <see cref="HostNames"/>, localhost, 127.0.0.1 and ::1.
    /// </summary>
    public string CertificateFile { get; set; } = "";

    /// <summary>The PEM private key of <see cref="CertificateFile"/>; empty: the key is in that file.</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>Host names uploaders reach this silo by (the CA-issued certificate names them; requests must name one, or localhost, 127.0.0.1, [::1], the listen address).</summary>
    public List<string> HostNames { get; set; } = [];

    /// <summary>URL path of the upload: dput PUTs &lt;Path&gt;/&lt;product&gt;/&lt;file&gt;; the web form is at &lt;Path&gt;/.</summary>
    public string Path { get; set; } = "/upload";

    /// <summary>Most bytes one account's area (all products) may hold at once, files in flight included; 0: Intake:MaxUploadBytes.</summary>
    public long MaxAreaBytes { get; set; }

    /// <summary>
    /// Files of an area that no complete upload took within this many seconds are moved aside to
    /// stray/http/&lt;login&gt;/&lt;product&gt;/ with REASON.txt (temporary files of broken transfers are
    /// deleted). Must be longer than IncompleteUploadSeconds, after which intake rejects an
    /// incomplete .dsc itself.
    /// </summary>
    public double ExpireSeconds { get; set; } = 3600;

    /// <summary>Failed logins a client address may make for one login within a minute before it is answered 429 for the rest of it; 0: no limit.</summary>
    public int MaxFailedLogins { get; set; } = 20;

    /// <summary>Most connections served at once (each PUT of dput is one connection).</summary>
    public int MaxConnections { get; set; } = 64;

    /// <summary>What is wrong with these options, or null.</summary>
    public string? Problem(double incompleteUploadSeconds)
    {
        if (!Enabled)
            return null;
        if (!System.Net.IPAddress.TryParse(Address, out _))
            return $"Autobuilder:Uploaders:Http:Address '{Address}' is not an IP address";
        if (Port is < 1 or > 65535)
            return $"Autobuilder:Uploaders:Http:Port {Port} is not a TCP port";
        if (!Path.StartsWith('/') || Path.EndsWith('/') || Path.Contains("//", StringComparison.Ordinal)
            || Path.Split('/').Any(s => s is "." or ".."))
            return $"Autobuilder:Uploaders:Http:Path '{Path}' must start with '/', not end with one, and hold no '.' or '..' segment";
        if (KeyFile.Length > 0 && CertificateFile.Length == 0)
            return "Autobuilder:Uploaders:Http:KeyFile needs CertificateFile";
        if (ExpireSeconds <= incompleteUploadSeconds)
            return $"Autobuilder:Uploaders:Http:ExpireSeconds ({ExpireSeconds}) must be longer than IncompleteUploadSeconds ({incompleteUploadSeconds}): intake rejects an incomplete upload first";
        if (MaxFailedLogins < 0)
            return "Autobuilder:Uploaders:Http:MaxFailedLogins must be 0 (no limit) or more";
        if (MaxConnections < 1)
            return "Autobuilder:Uploaders:Http:MaxConnections must be at least 1";
        return null;
    }
}
