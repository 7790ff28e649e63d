using System.Text.Json;

namespace Autobuilder.Admin.Cluster;

/// <summary>The few values of a silo configuration file the console needs without a running silo.</summary>
public sealed record SiloConfigFile(string? DataRoot, IReadOnlyList<string> Products)
{
    public const string Default = "silo-config/all.json";

    /// <summary>
    /// <paramref name="path"/>, else $AUTOBUILDER_CONFIG, else <see cref="Default"/> where it exists:
    /// the file the silo reads by the same rule. $AUTOBUILDER_Autobuilder__DataRoot overrides the data
    /// root as it does for the silo (the container image sets both).
    /// </summary>
    public static SiloConfigFile Read(string? path)
    {
        var file = path
            ?? (Environment.GetEnvironmentVariable("AUTOBUILDER_CONFIG") is { Length: > 0 } fromEnvironment ? fromEnvironment : null)
            ?? (File.Exists(Default) ? Default : null);
        if (file is null)
            return new SiloConfigFile(null, []);
        if (!File.Exists(file))
            throw new ConsoleException($"configuration file {file} not found");
        using var doc = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!doc.RootElement.TryGetProperty("Autobuilder", out var ab))
            return new SiloConfigFile(null, []);
        var root = Environment.GetEnvironmentVariable("AUTOBUILDER_Autobuilder__DataRoot") is { Length: > 0 } rootFromEnvironment
            ? rootFromEnvironment
            : ab.TryGetProperty("DataRoot", out var d) ? d.GetString() : null;
        // A relative data root in a configuration file is relative to where the silo runs: the checkout.
        var products = ab.TryGetProperty("Products", out var p) ? p.EnumerateArray().Select(e => e.GetString()!).ToList() : [];
        return new SiloConfigFile(root, products);
    }
}
