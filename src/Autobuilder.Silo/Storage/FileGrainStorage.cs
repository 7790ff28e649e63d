using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Orleans.Storage;

namespace Autobuilder.Silo.Storage;

/// <summary>
/// Grain state as one JSON file per grain under the data root's state/ folder, written atomically
/// (<see cref="DurableFile"/>), so a silo restart finds every grain as it last wrote itself. JSON
/// so an operator can read a stuck upload's state with a pager.
/// </summary>
public sealed class FileGrainStorage(string root) : IGrainStorage
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public string Root { get; } = Path.GetFullPath(root);

    // The etag this process last wrote or read per file: checking a write against it needs no
    // read of the file (which, for a registry of a thousand uploads, cost more than the write).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _etags = new(StringComparer.Ordinal);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathFor(stateName, grainId);
        if (!File.Exists(path))
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.RecordExists = false;
            grainState.ETag = null;
            return;
        }
        var bytes = await File.ReadAllBytesAsync(path);
        var node = JsonNode.Parse(bytes) ?? throw new InvalidDataException($"{path}: empty state file");
        grainState.ETag = node["etag"]?.GetValue<string>();
        grainState.State = node["state"].Deserialize<T>(Json) ?? Activator.CreateInstance<T>();
        grainState.RecordExists = true;
        if (grainState.ETag is not null)
            _etags[path] = grainState.ETag;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathFor(stateName, grainId);
        CheckETag(path, grainState.ETag);
        var etag = Guid.NewGuid().ToString("N");
        // Serialized in the grain's turn (the state must not change under the serializer), straight
        // to bytes: the same document as before, without building it as a tree first.
        var buffer = Document(grainId, etag, grainState.State);
        // The fsyncs run off the silo's scheduler threads (there are as many as cores): waiting for
        // the disk there held up every other grain, and writes of many grains now reach the disk
        // together, which the file system commits in one journal transaction.
        await Task.Run(() => DurableFile.Write(path, buffer.WrittenSpan));
        _etags[path] = etag;
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    private static System.Buffers.ArrayBufferWriter<byte> Document<T>(GrainId grainId, string etag, T state)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("grain", grainId.ToString());
        writer.WriteString("etag", etag);
        writer.WritePropertyName("state");
        JsonSerializer.Serialize(writer, state, Json);
        writer.WriteEndObject();
        writer.Flush();
        return buffer;
    }

    /// <summary>
    /// Writes a grain's state file as <see cref="WriteStateAsync{T}"/> does, without its fsyncs: for
    /// loading many states into a data root before its silo starts (the web benchmark's 100,000
    /// uploads), where one sync of the file system at the end does what 100,000 pairs of fsyncs would.
    /// Never while a silo runs on the data root (no etag check).
    /// </summary>
    public void Import<T>(string stateName, GrainId grainId, T state)
    {
        var path = PathFor(stateName, grainId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        file.Write(Document(grainId, Guid.NewGuid().ToString("N"), state).WrittenSpan);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathFor(stateName, grainId);
        CheckETag(path, grainState.ETag);
        File.Delete(path);
        _etags.TryRemove(path, out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
        return Task.CompletedTask;
    }

    // A second activation of the same grain (which Orleans prevents within one cluster) must not
    // overwrite a newer state unseen.
    private void CheckETag(string path, string? expected)
    {
        if (expected is not null && _etags.TryGetValue(path, out var known) && known == expected)
            return;
        if (!File.Exists(path))
        {
            if (expected is not null)
                throw new InconsistentStateException($"state file {path} vanished", expected, "");
            return;
        }
        var node = JsonNode.Parse(File.ReadAllBytes(path));
        var stored = node?["etag"]?.GetValue<string>();
        if (stored != expected)
            throw new InconsistentStateException($"state file {path} was changed by someone else", stored ?? "", expected ?? "");
    }

    internal string PathFor(string stateName, GrainId grainId)
    {
        var key = grainId.Key.ToString()!;
        var name = Uri.EscapeDataString(key);
        if (name.Length > 200)
            name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        return Path.Combine(Root, Uri.EscapeDataString(stateName), Uri.EscapeDataString(grainId.Type.ToString()!), name + ".json");
    }
}
