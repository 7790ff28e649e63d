using System.Globalization;

namespace Autobuilder.Benchmarks.Ssh;

/// <summary>
/// CPU time of a group of processes and everything they start, with a cgroup (v1 cpuacct, as on
/// this machine). sshd cannot be measured by rusage: its session processes are re-parented to init
/// and their CPU never reaches the daemon's. Needs root; <see cref="TryCreate"/> returns null where
/// the hierarchy is missing or not writable, and the benchmark then says so.
/// </summary>
internal sealed class CpuAccounting : IDisposable
{
    private const string Hierarchy = "/sys/fs/cgroup/cpuacct";
    private readonly string _folder;

    private CpuAccounting(string folder) => _folder = folder;

    public static CpuAccounting? TryCreate(string name)
    {
        var folder = Path.Combine(Hierarchy, $"{name}-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(folder);
            return File.Exists(Path.Combine(folder, "cpuacct.usage")) ? new CpuAccounting(folder) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Moves a process into the group; what it starts from now on is counted with it.</summary>
    public void Add(int pid) => File.WriteAllText(Path.Combine(_folder, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));

    public double Seconds => long.Parse(File.ReadAllText(Path.Combine(_folder, "cpuacct.usage")).Trim(), CultureInfo.InvariantCulture) / 1e9;

    public void Dispose()
    {
        try
        {
            // Only an empty group can be removed; the daemons are stopped before this.
            Directory.Delete(_folder);
        }
        catch (IOException)
        {
        }
    }
}
