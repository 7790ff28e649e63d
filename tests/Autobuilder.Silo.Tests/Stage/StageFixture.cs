using System.Text.Json.Nodes;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>
/// One real silo with the stage configured for the tests: extras-devel, extras-testing and extras
/// covering amd64 and i386 (so a build missing for one architecture can be shown), community-testing
/// for rollbacks, and no grace period for unreferenced pool files.
/// </summary>
public sealed class StageFixture : IAsyncLifetime
{
    private readonly TempDir _root = new("ab-stage-");

    public SiloProcess Silo { get; private set; } = null!;
    public string Scratch => _root["scratch"];

    public async Task InitializeAsync()
    {
        Silo = new SiloProcess(_root["var"], Configure);
        await Silo.StartAsync();
        foreach (var repo in new[] { "extras-devel", "extras-testing", "extras", "community-testing", "community" })
            await StageQueue.WaitAsync(Silo, $"{repo}/bookworm", d => d.Status.LiveGeneration is not null, "published once");
    }

    public static void Configure(JsonObject config)
    {
        static JsonObject Repo(string name, bool uploads, int keep) => new()
        {
            ["Name"] = name,
            ["Architectures"] = new JsonArray("amd64", "i386"),
            ["AcceptsUploads"] = uploads,
            ["KeepVersions"] = keep,
        };
        config["Autobuilder"]!["Stage"] = new JsonObject
        {
            ["UnreferencedPoolGraceHours"] = 0,
            ["Repositories"] = new JsonArray(
                Repo("extras-devel", true, 3),
                Repo("extras-testing", false, 1),
                Repo("extras", false, 1),
                Repo("community-testing", true, 3).With("PromoteTo", "community").With("PromoteAfterDays", 0),
                Repo("community", false, 1)),
        };
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        _root.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class StageCollection : ICollectionFixture<StageFixture>
{
    public const string Name = "stage";
}

internal static class JsonObjectExtensions
{
    public static JsonObject With(this JsonObject o, string key, JsonNode? value)
    {
        o[key] = value;
        return o;
    }
}
