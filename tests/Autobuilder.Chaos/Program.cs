using System.Globalization;
using Autobuilder.Chaos;
using Autobuilder.Testing;

// The chaos campaign as a program, for soaks longer than CI allows (issue 14 point 1):
//   dotnet run -c Release --project tests/Autobuilder.Chaos -- --uploads 500 --kills 100 [--seed N] [--no-baseline]
// Exit status 0 when every check held, 1 when one failed (the report says which), 2 for bad arguments.
var uploads = 100;
var kills = 20;
int? seed = null;
var baseline = true;
string? work = null;
var keep = false;
var slots = 3;
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--uploads": uploads = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--kills": kills = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--no-baseline": baseline = false; break;
        case "--work": work = Next(); break;
        case "--keep": keep = true; break;
        case "--slots": slots = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--cluster":
            // The cluster needs PostgreSQL and the cluster tests' fixture: ClusterChaosTests runs it (Category=Chaos).
            Console.Error.WriteLine("The four-process cluster variant runs as a test: dotnet test tests/Autobuilder.Silo.Tests -c Release --filter FullyQualifiedName~ClusterChaosTests; this program runs role all.");
            return 2;
        default:
            Console.Error.WriteLine("usage: Autobuilder.Chaos [--uploads N] [--kills K] [--seed S] [--slots N] [--no-baseline] [--work DIR] [--keep]");
            return 2;
    }
}

using var temp = new TempDir("ab-chaos-");
var options = new ChaosOptions
{
    Uploads = uploads,
    Kills = kills,
    Seed = seed ?? Random.Shared.Next(),
    Baseline = baseline,
    Slots = slots,
    WorkRoot = work ?? temp.Path,
    Deadline = TimeSpan.FromMinutes(10 + uploads / 5.0),
    Log = line => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}"),
};
var report = await new ChaosDriver(options).RunAsync();
Console.WriteLine(report);
if (keep)
{
    Console.WriteLine($"data kept in {options.WorkRoot}");
    Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "ab-chaos-kept"));
    if (work is null)
        Tool.Run("cp", "-a", temp.Path, Path.Combine(Path.GetTempPath(), "ab-chaos-kept")).Ok();
}
return report.Failures.Count == 0 ? 0 : 1;
