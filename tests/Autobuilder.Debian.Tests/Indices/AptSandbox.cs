using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Indices;

/// <summary>
/// The real apt-get and apt-cache with a configuration of their own: APT_CONFIG names a file that
/// points every folder (lists, cache, status, sources) into a temporary folder and turns off the
/// host's apt.conf.d, so neither the machine's configuration nor its package lists take part.
/// apt reads APT_CONFIG before Dir::Etc::parts, so setting parts there keeps the host's out.
/// </summary>
public sealed class AptSandbox : IDisposable
{
    private readonly TempDir _dir = new("ab-apt-");

    /// <param name="sourcesList">The lines of sources.list (deb and deb-src lines).</param>
    public AptSandbox(params string[] sourcesList)
    {
        Directory.CreateDirectory(_dir["state/lists/partial"]);
        Directory.CreateDirectory(_dir["cache/archives/partial"]);
        Directory.CreateDirectory(_dir["downloads"]);
        File.WriteAllText(_dir["status"], "");
        File.WriteAllText(_dir["sources.list"], string.Join("\n", sourcesList) + "\n");
        File.WriteAllText(_dir["apt.conf"], $$"""
            Dir::Etc::main "/dev/null";
            Dir::Etc::parts "/dev/null";
            Dir::Etc::sourcelist "{{_dir["sources.list"]}}";
            Dir::Etc::sourceparts "/dev/null";
            Dir::Etc::preferences "/dev/null";
            Dir::Etc::preferencesparts "/dev/null";
            Dir::Etc::trusted "/dev/null";
            Dir::Etc::trustedparts "/dev/null";
            Dir::State "{{_dir["state"]}}";
            Dir::State::status "{{_dir["status"]}}";
            Dir::Cache "{{_dir["cache"]}}";
            APT::Architecture "amd64";
            APT::Architectures { "amd64"; };
            APT::Sandbox::User "root";
            Acquire::Languages "none";
            """);
    }

    /// <summary>Where <c>apt-get download</c> and <c>apt-get source</c> put files.</summary>
    public string Downloads => _dir["downloads"];

    public ToolResult Run(string tool, params string[] args) =>
        Tool.Run(tool, args, workingDirectory: Downloads,
            environment: new Dictionary<string, string> { ["APT_CONFIG"] = _dir["apt.conf"], ["LC_ALL"] = "C" },
            timeout: TimeSpan.FromMinutes(1));

    public ToolResult Update() => Run("apt-get", "update");

    public void Dispose() => _dir.Dispose();
}
