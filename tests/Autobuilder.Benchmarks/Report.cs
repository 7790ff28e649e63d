using System.Globalization;
using System.Text;

namespace Autobuilder.Benchmarks;

/// <summary>Collects result rows and prints them as Markdown tables.</summary>
internal sealed class Report
{
    private readonly StringBuilder _text = new();

    public void Heading(string text) => Line($"\n### {text}\n");

    public void Line(string text)
    {
        Console.WriteLine(text);
        _text.AppendLine(text);
    }

    /// <summary>A table of wall and CPU time of ours and a peer, with the ratios peer / ours.</summary>
    public void Comparison(string ours, string peer, IEnumerable<(string What, (double Wall, double Cpu) Ours, (double Wall, double Cpu) Peer)> rows)
    {
        Line($"| run | {ours} wall | {peer} wall | wall: {peer} / ours | {ours} CPU | {peer} CPU | CPU: {peer} / ours |");
        Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (what, o, p) in rows)
            Line($"| {what} | {S(o.Wall)} | {S(p.Wall)} | **{R(p.Wall / o.Wall)}** | {S(o.Cpu)} | {S(p.Cpu)} | {R(p.Cpu / o.Cpu)} |");
    }

    private static string R(double ratio) => ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×";

    /// <summary>The 1-minute load average: other work on the machine inflates wall times.</summary>
    public static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    public static string S(double seconds) => seconds.ToString("0.000", CultureInfo.InvariantCulture) + " s";

    public override string ToString() => _text.ToString();
}
