namespace Autobuilder.Silo.Security;

/// <summary>
/// The "Autobuilder:Security" section: the admin plane's certificates (issue 10). Silo-to-silo and
/// client-to-gateway connections are mutual TLS with the autobuilder's own CA, and every grain call
/// is checked against the role of the caller's certificate.
/// </summary>
public sealed class SecurityOptions
{
    public const string Section = "Autobuilder:Security";

    /// <summary>
    /// False turns TLS and the access filter off: anyone who reaches a port is an administrator.
    /// Only for measuring what the admin plane costs (docs/benchmarks.md); the silo logs a warning.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Benchmark only (docs/benchmarks.md, issue 10's split of what the admin plane costs): true keeps
    /// the access filter and every call's proof but drops TLS, so proofs travel in clear and anyone
    /// who reads the network can replay them. The silo logs a warning.
    /// </summary>
    public bool BenchmarkWithoutTls { get; set; }

    /// <summary>
    /// Benchmark only, the other half of the split: true keeps mutual TLS but drops the access filter
    /// and the proofs, so any certificate of the CA is an administrator. The silo logs a warning.
    /// </summary>
    public bool BenchmarkWithoutCallProofs { get; set; }

    /// <summary>The certificates folder (CA, silo and user certificates, revocations); empty: &lt;data root&gt;/certs.</summary>
    public string Folder { get; set; } = "";

    /// <summary>This silo's certificate is &lt;Folder&gt;/silos/&lt;SiloName&gt;.pem; empty: "silo" in role "all", else the host name (Cluster:HostName).</summary>
    public string SiloName { get; set; } = "";
}
