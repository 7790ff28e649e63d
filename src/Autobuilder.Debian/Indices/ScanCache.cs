using System.Text;

namespace Autobuilder.Debian.Indices;

/// <summary>
/// The scan cache: for each .deb (by path relative to the scanned folder) the size and mtime it had
/// and its stanza. A compact binary file, written whole to a temporary file and renamed over the
/// old one, so a crash leaves either the old cache or the new one. The header records the scanned
/// folder and the options that shape a stanza; a cache made for another folder or other options,
/// or one that cannot be read, is ignored (it is only a cache) and replaced.
/// </summary>
internal static class ScanCache
{
    private static ReadOnlySpan<byte> Magic => "AB-DEBSCAN\n"u8;
    private const int FormatVersion = 1;

    internal static Dictionary<string, ScannedDeb> Load(string path, string root, bool sha512, byte[] prefix)
    {
        var entries = new Dictionary<string, ScannedDeb>(StringComparer.Ordinal);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return entries;
        }
        catch (DirectoryNotFoundException)
        {
            return entries;
        }
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != FormatVersion
                || reader.ReadBoolean() != sha512 || reader.ReadString() != root)
                return entries;
            var count = reader.ReadInt32();
            for (var i = 0; i < count; i++)
            {
                var relative = reader.ReadString();
                var size = reader.ReadInt64();
                var ticks = reader.ReadInt64();
                var offset = reader.ReadInt32();
                var template = reader.ReadBytes(reader.ReadInt32());
                if (offset < 0 || offset > template.Length)
                    return [];
                entries[relative] = new ScannedDeb(relative, size, ticks, template, offset, fromCache: true, prefix);
            }
            return entries;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or FormatException or ArgumentException)
        {
            return [];
        }
    }

    internal static void Save(string path, string root, bool sha512, IReadOnlyList<ScannedDeb> packages)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                using (var writer = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(Magic);
                    writer.Write(FormatVersion);
                    writer.Write(sha512);
                    writer.Write(root);
                    writer.Write(packages.Count);
                    foreach (var p in packages)
                    {
                        writer.Write(p.RelativePath);
                        writer.Write(p.Size);
                        writer.Write(p.LastWriteTicks);
                        writer.Write(p.FilenameOffset);
                        writer.Write(p.Template.Length);
                        writer.Write(p.Template);
                    }
                }
                // On disk before the rename, so the rename never publishes a half-written file.
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }
}
