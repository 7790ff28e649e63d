using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;

namespace Autobuilder.Silo.Storage;

/// <summary>
/// Grain state in PostgreSQL as the same plain JSON the local file storage writes: one format for
/// both, readable by an operator with psql (convert_from(payload, 'UTF8')).
/// </summary>
public sealed class JsonGrainStateSerializer : IGrainStorageSerializer
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, Json));

    public T Deserialize<T>(BinaryData input) =>
        JsonSerializer.Deserialize<T>(input.ToMemory().Span, Json) ?? throw new InvalidDataException($"grain state of {typeof(T).Name} is empty");
}
