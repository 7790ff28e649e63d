namespace Autobuilder.Grains;

/// <summary>A builder slot as configured: a (builder host, unix user) pair and what it can build.</summary>
[GenerateSerializer, Immutable]
public sealed record SlotConfig(
    [property: Id(0)] string Host,
    [property: Id(1)] string User,
    [property: Id(2)] IReadOnlyList<string> Architectures,
    [property: Id(3)] string Executor)
{
    public string Key => SlotKey(Host, User);

    public static string SlotKey(string host, string user) => $"{host}/{user}";
}
