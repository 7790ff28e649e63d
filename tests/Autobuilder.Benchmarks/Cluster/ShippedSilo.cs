using System.Text.Json.Nodes;
using Autobuilder.Testing;

namespace Autobuilder.Benchmarks.Cluster;

/// <summary>
/// A silo process configured by the shipped silo-config/&lt;role&gt;.json, with only what a
/// second installation on the same machine must change: data root, ports, the database, the
/// address it advertises, the certificates folder and the ports of the dashboard, pages, metrics
/// and other listeners of the shipped files.
/// </summary>
internal static class ShippedSilo
{
    public static SiloProcess Create(string repo, string role, string dataRoot, string? database, string? certificates,
        Action<JsonObject>? extra = null) =>
        new(dataRoot, config =>
        {
            var shipped = JsonNode.Parse(File.ReadAllText(Path.Combine(repo, "silo-config", $"{role}.json")))!.AsObject();
            var ports = config["Orleans"]!.DeepClone();
            foreach (var (key, value) in shipped.ToList())
            {
                shipped.Remove(key);
                config[key] = value;
            }
            config["Orleans"]!["SiloPort"] = ports["SiloPort"]!.DeepClone();
            config["Orleans"]!["GatewayPort"] = ports["GatewayPort"]!.DeepClone();
            var ab = config["Autobuilder"]!.AsObject();
            ab["DataRoot"] = dataRoot;
            ab["Architectures"] = new JsonArray(SiloProcess.HostArchitecture);
            config["Mail"] = new JsonObject { ["Host"] = "", ["BuildsList"] = "builds@localhost", ["OutboxDirectory"] = Path.Combine(dataRoot, "outbox") };
            if (config["Dashboard"] is JsonObject dashboard)
                dashboard["Port"] = SiloProcess.FreePort();
            // The pages and the live-tree server of the shipped files listen on fixed ports: a second installation takes free ones.
            if (ab["Web"] is JsonObject web)
                web["Port"] = SiloProcess.FreePort();
            if (ab["Uploaders"]?["Http"] is JsonObject http)
                http["Port"] = SiloProcess.FreePort();
            if (ab["Metrics"] is JsonObject metrics)
                metrics["Port"] = SiloProcess.FreePort();
            if (ab["BuildSources"] is JsonObject sources && sources["ServePort"]?.GetValue<int>() is > 0)
                sources["ServePort"] = SiloProcess.FreePort();
            if (database is not null)
            {
                config["Cluster"]!["ConnectionString"] = database;
                config["Cluster"]!["AdvertisedAddress"] = "127.0.0.1";
            }
            // Every silo of a cluster takes its certificate from the one folder the CA made.
            if (certificates is not null)
                ab["Security"] = new JsonObject { ["Folder"] = certificates };
            extra?.Invoke(config);
        }, name: role);
}
