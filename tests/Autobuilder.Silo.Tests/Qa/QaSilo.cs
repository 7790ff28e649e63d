using Autobuilder.Grains;
using Autobuilder.Grains.Security;
using Autobuilder.Silo.Hosting;
using Autobuilder.Silo.Qa;
using Autobuilder.Silo.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Autobuilder.Grains.Options;
using Autobuilder.Silo.Web;
using Orleans.Configuration;

namespace Autobuilder.Silo.Tests.Qa;

/// <summary>
/// A real silo (role "all": stage, accounts, the QA ladder with dose-debcheck and lintian) in the
/// test's process, wired by the product's <see cref="SiloHost"/>, so that its grains' TimeProvider
/// can be the test's <see cref="MovableClock"/>. The admin plane keeps the wall clock (a console's
/// proof must not look expired after the test moved the grains ten days on), and reminders may tick
/// every few seconds. The console (<see cref="Console"/>) connects through the gateway with the
/// admin certificate the silo made, as an operator's would. The silo serves the web pages and the
/// JSON API too (<see cref="WebPort"/>), wired as Program.cs wires them, for the QA pages' tests.
/// </summary>
public sealed class QaSilo : IAsyncLifetime
{
    private readonly TempDir _root = new("ab-qa-");
    private IHost? _host;

    public MovableClock Clock { get; } = new();

    /// <summary>The silo's dose-debcheck runs, counted (the real tool runs; the installability cache's tests read the count).</summary>
    public CountingDoseRunner Dose { get; } = new(new DoseRunner());
    public string DataRoot => _root["var"];
    public string Scratch => _root["scratch"];
    public int GatewayPort { get; } = SiloProcess.FreePort();
    public int SiloPort { get; } = SiloProcess.FreePort();
    public int WebPort { get; } = SiloProcess.FreePort();
    public string WebOrigin => $"http://127.0.0.1:{WebPort}";
    public IGrainFactory Grains => _host!.Services.GetRequiredService<IGrainFactory>();
    public string Outbox => Path.Combine(DataRoot, "outbox");

    public const double MinimumKarma = 2;

    public async Task InitializeAsync()
    {
        var arch = SiloProcess.HostArchitecture;
        var settings = new Dictionary<string, string?>
        {
            ["Autobuilder:DataRoot"] = DataRoot,
            ["Autobuilder:Products:0"] = "bookworm",
            ["Autobuilder:Architectures:0"] = arch,
            ["Autobuilder:Uploaders:SourceOwnership"] = "true",
            ["Autobuilder:Stage:UnreferencedPoolGraceHours"] = "0",
            ["Mail:Host"] = "",
            ["Mail:OutboxDirectory"] = Outbox,
            ["Orleans:SiloPort"] = SiloPort.ToString(),
            ["Orleans:GatewayPort"] = GatewayPort.ToString(),
            // The ladder under test: requests into extras-testing with the automatic checks (lintian's
            // new-essential-package blocks), then 10 days and karma 2 into extras; the rules run every 3 s.
            ["Autobuilder:Qa:CheckMinutes"] = "0.05",
            ["Autobuilder:Qa:BaseIndices:bookworm:0"] = "/var/lib/dpkg/status",
            ["Autobuilder:Qa:Steps:0:From"] = "extras-devel",
            ["Autobuilder:Qa:Steps:0:To"] = "extras-testing",
            ["Autobuilder:Qa:Steps:0:ByRequest"] = "true",
            ["Autobuilder:Qa:Steps:0:LintianBlockingTags:0"] = "new-essential-package",
            ["Autobuilder:Qa:Steps:1:From"] = "extras-testing",
            ["Autobuilder:Qa:Steps:1:To"] = "extras",
            ["Autobuilder:Qa:Steps:1:MinimumDays"] = "10",
            ["Autobuilder:Qa:Steps:1:MinimumKarma"] = MinimumKarma.ToString(),
            ["Autobuilder:Qa:Steps:1:DemoteBelowKarma"] = "-1",
        };
        string[] repos = ["extras-devel", "extras-testing", "extras"];
        for (var i = 0; i < repos.Length; i++)
        {
            settings[$"Autobuilder:Stage:Repositories:{i}:Name"] = repos[i];
            settings[$"Autobuilder:Stage:Repositories:{i}:AcceptsUploads"] = (i == 0).ToString();
            settings[$"Autobuilder:Stage:Repositories:{i}:KeepVersions"] = "1";
        }
        // Lintian runs outside the request's call (it takes tens of seconds here): Orleans' default 30 s call timeout stays.
        var web = new WebOptions { Enabled = true, Address = "127.0.0.1", Port = WebPort };
        AspNetCoreFramework.Resolve();
        _host = WebSiloHost.Build(web, Path.Combine(DataRoot, "certs"), builder =>
        {
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(settings);
            builder.UseOrleans(silo =>
            {
                silo.UseSingleHostClustering(builder.Configuration);
                silo.AddAutobuilder(builder.Configuration);
                silo.Services.AddSingleton<TimeProvider>(Clock);
                silo.Services.AddSingleton<IDoseRunner>(Dose);
                silo.Services.AddSingleton(sp => new ProofVerifier(sp.GetRequiredService<CertificateTrust>(), TimeProvider.System));
                silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            });
        });
        await _host.StartAsync();
        foreach (var repo in repos)
            await WaitAsync($"{repo}/bookworm published once", async () => (await Distribution(repo).GetStatusAsync()).LiveGeneration is not null);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync(TimeSpan.FromSeconds(10));
            _host.Dispose();
        }
        GpgAgents.Stop(Path.Combine(DataRoot, "gnupg"));
        _root.Dispose();
    }

    public IDistributionGrain Distribution(string repository) => Grains.GetGrain<IDistributionGrain>($"{repository}/bookworm");

    public IQaGrain Qa(string repository) => Grains.GetGrain<IQaGrain>($"{repository}/bookworm");

    /// <summary>Real .debs and a .changes (dpkg-deb, dpkg-genchanges) into extras-devel's queue; waits until extras-devel holds them.</summary>
    public async Task DropAsync(StagePackage package)
    {
        var folder = Path.Combine(Scratch, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        StagePackage.Drop(package.Build(folder), Path.Combine(DataRoot, "repo-incoming", "extras-devel", "bookworm"));
        await WaitForAsync("extras-devel", package.Name, package.Version);
    }

    public Task WaitForAsync(string repository, string source, string version) =>
        WaitAsync($"{repository}/bookworm holding {source} {version}", async () =>
        {
            var d = await Distribution(repository).GetDetailsAsync();
            return d.Sources.Any(s => s.Source == source && s.Version == version) && d.Status.InSync;
        });

    public async Task<bool> HoldsAsync(string repository, string source) =>
        (await Distribution(repository).GetSourceVersionsAsync(source)).Count > 0;

    /// <summary>Makes an account and, as intake does at its first allowed upload, the owner of <paramref name="owns"/>.</summary>
    public async Task AccountAsync(string login, string? owns = null)
    {
        var directory = Grains.GetGrain<IAccountDirectoryGrain>(0);
        await directory.AddAsync(new NewAccount(login, $"{login} tester", $"{login}@example.org", []));
        if (owns is not null)
            Assert.True((await directory.AuthorizeUploadAsync(new UploadPermissionRequest(login, "extras-devel", "bookworm", owns))).Allowed);
    }

    /// <summary>
    /// A promotion request out of extras-devel as the console makes it, and, when lintian checks it
    /// outside the call ("lintian is checking"), its outcome once the answer landed in the excuses:
    /// promoted, or refused with the reasons the excuses give.
    /// </summary>
    public async Task<QaAnswer> RequestAsync(PromotionRequest request)
    {
        var answer = await Qa("extras-devel").RequestPromotionAsync(request);
        if (!answer.Ok || !(answer.Message.Contains("lintian is checking", StringComparison.Ordinal) || answer.Message.Contains("is being checked", StringComparison.Ordinal)))
            return answer;
        QaExcuse? settled = null;
        await WaitAsync($"lintian's answer on {request.Source} {request.Version}", async () =>
        {
            var excuse = (await Qa("extras-devel").GetExcusesAsync(request.Source)).Packages.SingleOrDefault();
            settled = excuse is { Requested: { } r } && !r.StartsWith("being checked", StringComparison.Ordinal) ? excuse : null;
            return settled is not null;
        }, seconds: 240);
        return new QaAnswer(settled!.Requested!.StartsWith("promoted", StringComparison.Ordinal), settled.Requested, settled.Reasons);
    }

    /// <summary>Waits until the quarantine rules of extras-testing have run once more after now (the reminder's tick).</summary>
    public async Task WaitForRulesRunAsync()
    {
        var after = Clock.GetUtcNow();
        await WaitAsync("a run of extras-testing's quarantine rules", async () => (await Qa("extras-testing").GetExcusesAsync(null)).LastRun > after);
    }

    /// <summary>The real console, as its own process, against this silo's gateway with the admin certificate the silo made.</summary>
    public ToolResult Console(params string[] args) =>
        Tool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "autobuilder.dll"), .. args, "--gateway", $"127.0.0.1:{GatewayPort}",
            "--cert", Path.Combine(DataRoot, "certs", "users", CertificateNames.ForCurrentUser() + ".pem")], timeout: TimeSpan.FromMinutes(1));

    public static async Task WaitAsync(string expectation, Func<Task<bool>> done, double seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"waited {seconds} s for {expectation}");
            await Task.Delay(100);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class QaCollection : ICollectionFixture<QaSilo>
{
    public const string Name = "qa";
}

/// <summary>
/// Lets this test process load ASP.NET Core (the in-process silo's web pages) from the installed
/// shared framework beside the runtime: the project does not take that framework over, so the
/// console's library copies stay in its folder (see the .csproj).
/// </summary>
internal static class AspNetCoreFramework
{
    private static int _hooked;

    public static void Resolve()
    {
        if (Interlocked.Exchange(ref _hooked, 1) == 1)
            return;
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var folder = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(runtime)!)!, "Microsoft.AspNetCore.App", Path.GetFileName(runtime));
        if (!Directory.Exists(folder))
            folder = Directory.GetDirectories(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(runtime)!)!, "Microsoft.AspNetCore.App")).Max(StringComparer.Ordinal)!;
        System.Runtime.Loader.AssemblyLoadContext.Default.Resolving += (context, name) =>
            File.Exists(Path.Combine(folder, name.Name + ".dll")) ? context.LoadFromAssemblyPath(Path.Combine(folder, name.Name + ".dll")) : null;
    }
}
