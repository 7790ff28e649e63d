using System.Diagnostics;
using Autobuilder.Benchmarks;
using Autobuilder.Benchmarks.Pipeline;

// Usage: dotnet run -c Release --project tests/Autobuilder.Benchmarks -- [--sizes 10000,50000]
//        [--quick] [--only scan|checksum|scheduler|pipeline|startpath|intake|ssh|stage|publish|cluster|http|drop|web|qa|start] [--web-uploads N] [--web-packages N] [--web-requests N] [--runs N] [--work DIR] [--out FILE] [--checksum-size BYTES]
//        [--http-bytes BYTES] [--uploads N] [--ssh-uploads N] [--stage-packages N] [--cluster-uploads N (0: no latency part)] [--cluster-builds N (0: no scheduler part)] [--cluster-rounds N] [--cluster-split] [--publish-uploads N] [--intake-uploads N] [--intake-big BYTES]
//        [--qa-packages N] [--qa-candidates N] [--qa-reads N] [--start-silos DIR,DIR…] [--start-consoles DIR,DIR…]
var sizes = new[] { 10_000, 50_000 };
long checksumSize = 2L << 30;
var runs = 5;
var uploads = 100;
var sshUploads = 40;
var stagePackages = 50_000;
var clusterUploads = 10;
var publishUploads = 20;
var clusterBuilds = 10_000;
var clusterRounds = 5;
var clusterSplit = false;
var intakeUploads = 1000;
var dropAccounts = 10_000;
var webUploads = 100_000;
var webRequests = 100;
var qaPackages = 50_000;
var qaCandidates = 5_000;
var qaReads = 20;
var webPackages = 50_000;
long intakeBig = 2L << 30;
long httpBytes = 100L << 20;
string? only = null, work = null, output = null;
// The start benchmark compares silo (and console) builds: folders holding autobuilder-silo.dll (autobuilder.dll).
var startSilos = new List<string>();
var startConsoles = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--sizes": sizes = args[++i].Split(',').Select(int.Parse).ToArray(); break;
        case "--quick": sizes = [500, 2_000]; checksumSize = 256L << 20; runs = 1; uploads = 10; sshUploads = 8; stagePackages = 2_000; clusterUploads = 3; publishUploads = 4; intakeUploads = 100; intakeBig = 256L << 20; dropAccounts = 1_000; webUploads = 5_000; webPackages = 2_000; webRequests = 20; qaPackages = 2_000; qaCandidates = 200; qaReads = 5; break;
        case "--qa-packages": qaPackages = int.Parse(args[++i]); break;
        case "--qa-candidates": qaCandidates = int.Parse(args[++i]); break;
        case "--qa-reads": qaReads = int.Parse(args[++i]); break;
        case "--web-uploads": webUploads = int.Parse(args[++i]); break;
        case "--web-requests": webRequests = int.Parse(args[++i]); break;
        case "--web-packages": webPackages = int.Parse(args[++i]); break;
        case "--drop-accounts": dropAccounts = int.Parse(args[++i]); break;
        case "--intake-uploads": intakeUploads = int.Parse(args[++i]); break;
        case "--intake-big": intakeBig = long.Parse(args[++i]); break;
        case "--http-bytes": httpBytes = long.Parse(args[++i]); break;
        case "--stage-packages": stagePackages = int.Parse(args[++i]); break;
        case "--uploads": uploads = int.Parse(args[++i]); break;
        case "--ssh-uploads": sshUploads = int.Parse(args[++i]); break;
        case "--cluster-uploads": clusterUploads = int.Parse(args[++i]); break;
        case "--publish-uploads": publishUploads = int.Parse(args[++i]); break;
        case "--cluster-builds": clusterBuilds = int.Parse(args[++i]); break;
        case "--cluster-rounds": clusterRounds = int.Parse(args[++i]); break;
        case "--cluster-split": clusterSplit = true; break;
        case "--only": only = args[++i]; break;
        case "--start-silos": startSilos = args[++i].Split(',').Select(Path.GetFullPath).ToList(); break;
        case "--start-consoles": startConsoles = args[++i].Split(',').Select(Path.GetFullPath).ToList(); break;
        case "--runs": runs = int.Parse(args[++i]); break;
        case "--work": work = args[++i]; break;
        case "--out": output = args[++i]; break;
        case "--checksum-size": checksumSize = long.Parse(args[++i]); break;
        default:
            Console.Error.WriteLine($"unknown option '{args[i]}'");
            return 2;
    }
}
if (only is not (null or "scan" or "checksum" or "scheduler" or "pipeline" or "startpath" or "intake" or "ssh" or "stage" or "publish" or "cluster" or "http" or "drop" or "web" or "qa" or "start"))
{
    Console.Error.WriteLine("--only takes scan, checksum, scheduler, pipeline, startpath, intake, ssh, stage, publish, cluster, http, drop, web, qa or start");
    return 2;
}

var repo = FindRepo();
work = Path.GetFullPath(work ?? Path.Combine(repo, ".bench"));
Directory.CreateDirectory(work);
output ??= Path.Combine(work, "results.md");
var report = new Report();
report.Line($"Machine: {Environment.ProcessorCount} cores, {CpuModel()}; {DateTime.UtcNow:yyyy-MM-dd}; " +
            $"{Measure.Capture("apt-ftparchive", "--version").Split('\n')[0]}; .NET {Environment.Version}. Each figure: the fastest of {runs} run(s).");

if (only is null or "scan")
{
    var cli = PrepareCli(repo, work);
    var empty = Directory.CreateDirectory(Path.Combine(work, "empty")).FullName;
    Measure.Run("/dev/null", cli, "deb", "scan", empty);
    report.Line($"CLI start-up (deb scan of an empty folder): {Report.S(Measure.Best(5, () => Measure.Run("/dev/null", cli, "deb", "scan", empty)))}");
    var scan = new ScanBenchmark(work, cli, report, runs);
    foreach (var n in sizes)
        scan.Run(n);
}
if (only is null or "checksum")
    new ChecksumBenchmark(work, report, runs).Run(checksumSize);
if (only is null or "scheduler")
{
    report.Heading("Scheduler");
    var scheduler = new SchedulerBenchmark(work, report);
    await scheduler.RunAsync(stateFolder: work, label: "disk");
    // tmpfs takes fsync out of the picture: what is left is the scheduler and the grain calls.
    if (Directory.Exists("/dev/shm"))
        await scheduler.RunAsync(stateFolder: "/dev/shm", label: "tmpfs");
    // No durable state at all: the bound set by the grain calls themselves.
    await scheduler.RunAsync(label: "in-memory (not durable)", memoryState: true);
}
if (only is null or "pipeline")
{
    report.Heading("Pipeline");
    await new PipelineBenchmark(work, report).RunAsync(uploads);
}
if (only is "startpath")
{
    // Only the before/after of a local build's start (the sandbox's cost), which "pipeline" also measures.
    report.Heading("Pipeline: start path");
    await new PipelineBenchmark(work, report).StartPathAsync();
}
if (only is null or "intake")
{
    report.Heading($"Intake: {intakeUploads} uploads landing at once");
    await new IntakeBenchmark(work, report).RunAsync(intakeUploads, intakeBig, runs);
}
if (only is null or "ssh")
{
    // Real sshd instances and slot users (made once, as root): see Ssh/SshBenchHosts.cs.
    report.Heading("SSH path overhead");
    await new Autobuilder.Benchmarks.Ssh.SshOverheadBenchmark(repo, work, report).RunAsync(runs);
    report.Heading($"{sshUploads} uploads on 4 SSH slots");
    await new Autobuilder.Benchmarks.Ssh.SshFarmBenchmark(work, report).RunAsync(sshUploads);
}
if (only is null or "stage")
    await new Autobuilder.Benchmarks.Stage.StageBenchmark(work, report, runs).RunAsync(stagePackages);
// The real silo process of role all (shipped all.json) and reprepro processincoming: see Stage/PublishBenchmark.cs.
if (only is null or "publish")
    await new Autobuilder.Benchmarks.Stage.PublishBenchmark(repo, work, report).RunAsync(stagePackages, publishUploads);
if (only is null or "drop")
{
    // Real sshd with the shipped snippet, the upload and abdropkeys users (as root): see Drop/DropBenchmark.cs.
    report.Heading("SSH drop: key lookup and directory write");
    new Autobuilder.Benchmarks.Drop.DropBenchmark(repo, report).Run(dropAccounts, lookups: runs >= 5 ? 2000 : 200, logins: runs >= 5 ? 200 : 30, runs);
}
// A real PostgreSQL and silo processes (garage, builder, stage, and one of role "all"): see Cluster/ClusterBenchmark.cs.
if (only is null or "cluster")
    await new Autobuilder.Benchmarks.Cluster.ClusterBenchmark(repo, work, report).RunAsync(clusterUploads, clusterBuilds, rounds: clusterRounds, split: clusterSplit);
// A real sshd, a silo with the HTTP upload on, scp, curl and dput: see HttpUpload/HttpUploadBenchmark.cs.
if (only is null or "http")
{
    report.Heading("HTTP upload vs scp");
    await new Autobuilder.Benchmarks.HttpUpload.HttpUploadBenchmark(report).RunAsync(httpBytes, runs);
}
// A real silo of role all with the pages on, its uploads' read model loaded before it starts: see Web/WebBenchmark.cs.
if (only is null or "web")
{
    report.Heading($"Web pages and API: {webUploads:N0} uploads, a {webPackages:N0}-package distribution");
    await new Autobuilder.Benchmarks.Web.WebBenchmark(work, report).RunAsync(webUploads, webPackages, webRequests);
}
// The real silo of role all (shipped all.json, its QA ladder and base) with a 50,000-package extras-testing, and dose-debcheck alone: see Qa/QaBenchmark.cs.
if (only is null or "qa")
    await new Autobuilder.Benchmarks.Qa.QaBenchmark(repo, work, report, runs).RunAsync(qaPackages, qaCandidates, qaReads);
// Silo processes of role all started and killed, and console calls: see Start/StartBenchmark.cs.
if (only is "start")
{
    report.Heading("Silo start and a console call");
    if (startSilos.Count == 0)
        startSilos.Add(AppContext.BaseDirectory);
    await new Autobuilder.Benchmarks.Start.StartBenchmark(repo, work, report).RunAsync(startSilos, startConsoles, runs);
}

File.WriteAllText(output, report.ToString());
Console.Error.WriteLine($"written to {output}");
return 0;

static string FindRepo()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Autobuilder.sln")))
            return dir.FullName;
    }
    throw new InvalidOperationException("cannot find Autobuilder.sln above the benchmark");
}

static string CpuModel() =>
    File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "unknown CPU";

// What a user runs: the ./autobuilder wrapper at the repository root. The console is built first so
// the wrapper finds it current; the wrapper itself publishes the native 'deb scan' on its first run
// (and again when a build of its IL is newer, as the builds here make it), so that run is done
// here, before any timing.
static string PrepareCli(string repo, string work)
{
    var sw = Stopwatch.StartNew();
    foreach (var project in new[] { "Autobuilder.Admin", "Autobuilder.Admin.Scan" })
        Measure.Capture("dotnet", "build", Path.Combine(repo, "src", project), "-c", "Release", "--nologo", "-v", "q");
    var wrapper = Path.Combine(repo, "autobuilder");
    Measure.Run("/dev/null", wrapper, "deb", "scan", Directory.CreateDirectory(Path.Combine(work, "empty")).FullName);
    var failed = Path.Combine(repo, "src", "Autobuilder.Admin.Scan", "bin", "Release", "native", "failed");
    if (File.Exists(failed))
        throw new InvalidOperationException($"the native 'deb scan' did not build, see {failed}");
    Console.Error.WriteLine($"built the console and the native 'deb scan' in {sw.Elapsed.TotalSeconds:0.0} s");
    return wrapper;
}
