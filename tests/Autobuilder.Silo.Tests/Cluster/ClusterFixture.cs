using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Grains.Security;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Cluster;

/// <summary>
/// A real PostgreSQL 15 with the schema applied by <c>autobuilder db init</c>, and four silo
/// processes forming one cluster through it: garage, two builders, stage. Each has its own data
/// root, as separate hosts would. The hosts are simulated on this machine, and by default really
/// apart (<see cref="Isolated"/>): each silo in its own network namespace with its own address,
/// advertised to the others, and its own mount namespace in which the other hosts' data roots are
/// empty; PostgreSQL listens on the namespaces' bridge. The tests themselves see every host's files
/// and reach each silo at its address (<see cref="SiloProcess.Gateway"/>, <see cref="DashboardUrl"/>).
/// AB_CLUSTER_ISOLATED=0 runs every silo on 127.0.0.1 and one file system, as before.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly TempDir _root = new("ab-cluster-");
    private IsolatedHosts? _hosts;

    /// <summary>Whether the silos run on hosts apart (namespaces): on unless AB_CLUSTER_ISOLATED=0.</summary>
    public bool Isolated { get; } = Environment.GetEnvironmentVariable("AB_CLUSTER_ISOLATED") != "0";

    /// <summary>The simulated hosts, when <see cref="Isolated"/>.</summary>
    public IsolatedHosts? Hosts => _hosts;

    public PostgresServer Postgres { get; private set; } = null!;
    public string Database { get; private set; } = "";
    public SiloProcess Garage { get; private set; } = null!;
    public SiloProcess Builder1 { get; private set; } = null!;
    public SiloProcess Builder2 { get; private set; } = null!;
    public SiloProcess Stage { get; private set; } = null!;
    public string Scratch => _root["scratch"];

    /// <summary>The cluster's CA, made as an operator would (certs init): a certificate per silo host, one admin certificate.</summary>
    public CertificateAuthority Certificates { get; private set; } = null!;

    /// <summary>The admin certificate the tests' clients and console present.</summary>
    public string AdminCertificate => Certificates.UserPath(CertificateNames.ForCurrentUser());

    /// <summary>The garage serves the dashboard on this port of its address, behind basic authentication.</summary>
    public int DashboardPort { get; } = SiloProcess.FreePort();

    /// <summary>The dashboard's base URL (the garage's address and <see cref="DashboardPort"/>), without a trailing slash.</summary>
    public string DashboardUrl => $"http://{Garage.Address}:{DashboardPort}";
    public const string DashboardUser = "operator";
    public const string DashboardPassword = "s3cret-for-tests";

    public IEnumerable<SiloProcess> Silos => [Garage, Builder1, Builder2, Stage];

    public async Task InitializeAsync()
    {
        Certificates = new CertificateAuthority(_root["certs"]);
        Certificates.Init([], CertificateNames.ForCurrentUser());
        if (Isolated)
        {
            _hosts = IsolatedHosts.Create();
            Postgres = await PostgresServer.StartAsync(_hosts.BridgeAddress, _hosts.Subnet);
        }
        else
        {
            Postgres = await PostgresServer.StartAsync();
        }
        Database = await Postgres.CreateDatabaseAsync("autobuilder");
        ClusterCli.Run("db", "init", "--connection", Database).Ok();

        Garage = NewSilo("garage", "garage", [], config =>
        {
            config["Dashboard"] = new JsonObject
            {
                ["Enabled"] = true,
                // Its own address on a host apart (the tests are not on its loopback); 127.0.0.1 otherwise.
                ["Address"] = config["Cluster"]!["AdvertisedAddress"]!.GetValue<string>(),
                ["Port"] = DashboardPort,
                ["Username"] = DashboardUser,
                ["Password"] = DashboardPassword,
            };
            // As silo-config/garage.json ships: every upload signed by an account with the right.
            config["Autobuilder"]!["Uploaders"] = new JsonObject { ["Signatures"] = "required", ["RequireRights"] = true };
        });
        Builder1 = NewSilo("builder", "builder1", ["abbuild1"]);
        Builder2 = NewSilo("builder", "builder2", ["abbuild1"]);
        Stage = NewSilo("stage", "stage", []);
        // The garage first (it runs the scheduler every silo's start talks to), then the rest together.
        await Garage.StartAsync();
        await Task.WhenAll(Builder1.StartAsync(), Builder2.StartAsync(), Stage.StartAsync());

        // The uploader every cluster test uploads as: an account in the directory (PostgreSQL), its key, its right.
        var key = UploaderGpgKey.Create(_root["uploader-gnupg"], "Cluster Uploader <uploader@cluster.example.org>");
        Uploader = Uploaders.TestSigner.Of(key);
        var directory = Garage.Grains.GetGrain<IAccountDirectoryGrain>(0);
        await directory.AddAsync(new NewAccount("cluster", "Cluster Uploader", "uploader@cluster.example.org", []));
        await directory.AddOpenPgpKeyAsync("cluster", System.Text.Encoding.UTF8.GetBytes(key.ArmoredPublicKey));
        await directory.GrantAsync(new UploadRight("cluster", "extras-devel", "bookworm"));
    }

    /// <summary>The account "cluster"'s key: uploads to the garage are signed with it (policy "required").</summary>
    public Uploaders.TestSigner Uploader { get; private set; } = null!;

    /// <summary>Builds <paramref name="package"/>, signs it as debsign does with the cluster uploader's key, and puts it into the garage's incoming.</summary>
    public void UploadSigned(SourcePackage package) =>
        Uploaders.SignedSource.Build(package, Scratch.EnsureFolder()).Sign(Uploader).PutInto(Garage.Incoming());

    /// <summary>A silo of <paramref name="role"/> on simulated host <paramref name="host"/>, with one slot per user given.</summary>
    public SiloProcess NewSilo(string role, string host, string[] slotUsers, Action<JsonObject>? extra = null)
    {
        // Every silo of the cluster shares the one certificates folder (hosts would each hold a copy of their own file).
        Certificates.Init([host], null);
        var apart = _hosts?.Add(host, _root[host]);
        var address = apart?.Address ?? "127.0.0.1";
        return new(_root[host], config =>
        {
            var ab = config["Autobuilder"]!.AsObject();
            ab["Role"] = role;
            ab["Security"] = new JsonObject { ["Folder"] = Certificates.Folder };
            // Short enough to see a dead builder's build come back within the test's time.
            ab["LeaseSeconds"] = 6;
            ab["Slots"] = new JsonArray([.. slotUsers.Select(u => (JsonNode)new JsonObject { ["Host"] = host, ["User"] = u })]);
            config["Cluster"] = new JsonObject
            {
                ["Membership"] = "postgresql",
                ["ConnectionString"] = Database,
                ["HostName"] = host,
                ["AdvertisedAddress"] = address,
            };
            var orleans = config["Orleans"]!.AsObject();
            // A silo killed for good is declared dead in about 10 s instead of half a minute. Not faster:
            // at 1 s probes (Orleans 10 adapts them down to half of that), 2 misses and 1 vote, one loaded
            // silo's verdict was enough, and a live stage busy starting on a 2-core machine at load 50 was
            // declared dead by a single peer and stopped itself (exit 134). Two votes: one slow prober alone
            // kills nothing. A silo restarted on its address:port does not wait for any of this: at its
            // start it declares its own older incarnation dead (Orleans' "older version of myself").
            orleans["Membership"] = new JsonObject
            {
                ["ProbeTimeout"] = "00:00:02",
                ["NumMissedProbesLimit"] = 3,
                ["NumVotesForDeathDeclaration"] = 2,
                ["TableRefreshTimeout"] = "00:00:02",
                ["IAmAliveTablePublishTimeout"] = "00:00:05",
            };
            // Grains of a crashed silo's directory range wait this long (less failure detection) before
            // they are activated elsewhere: seconds here, not half a minute.
            orleans["Directory"] = new JsonObject { ["RangeLeaseDuration"] = "00:00:08" };
            extra?.Invoke(config);
        }, name: $"{role}@{host}")
        {
            Address = address,
            Launcher = apart?.Launcher ?? [],
            // Four silos start at once on a shared 2-core machine: at load 30 a garage spent more than
            // 60 s in its first start-up (JIT, CPU-bound: seen with strace and top), not waiting on anything.
            StartTimeout = TimeSpan.FromMinutes(3),
        };
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(Silos.Where(s => s is not null).Select(s => s.DisposeAsync().AsTask()));
        if (Uploader is not null)
            GpgAgents.Stop(Uploader.Home);
        if (Postgres is not null)
            await Postgres.DisposeAsync();
        // Whatever is left inside the hosts (an orphaned build, a gpg-agent) ends with them.
        _hosts?.Dispose();
        _root.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
