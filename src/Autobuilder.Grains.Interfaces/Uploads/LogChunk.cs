namespace Autobuilder.Grains;

/// <summary>
/// A piece of a build's log from <see cref="Offset"/> on; read again from <see cref="NextOffset"/>
/// while <see cref="Running"/> to follow the build.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LogChunk(
    [property: Id(0)] string Architecture,
    [property: Id(1)] int Attempt,
    [property: Id(2)] long Offset,
    [property: Id(3)] long NextOffset,
    [property: Id(4)] string Text,
    [property: Id(5)] bool Running);
