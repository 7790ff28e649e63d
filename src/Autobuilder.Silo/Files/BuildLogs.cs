using System.Text;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;

namespace Autobuilder.Silo.Files;

public sealed class BuildLogs(DataPaths paths) : IBuildLogs
{
    public async Task<(string Text, long NextOffset)> ReadAsync(string uploadId, string architecture, int attempt, long offset, int maxBytes)
    {
        var path = paths.LiveLog(uploadId, architecture, attempt);
        if (!File.Exists(path))
            return ("", offset);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (offset >= stream.Length)
            return ("", offset);
        stream.Position = offset;
        var buffer = new byte[(int)Math.Min(maxBytes, stream.Length - offset)];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false);
        // Stop at the last complete line, so a reader never sees half a line or half a character.
        var end = read == buffer.Length && offset + read < stream.Length ? Array.LastIndexOf(buffer, (byte)'\n', read - 1) + 1 : read;
        if (end == 0)
            end = read;
        return (Encoding.UTF8.GetString(buffer, 0, end), offset + end);
    }
}
