using System.Text;
using Autobuilder.Debian.Control;

namespace Autobuilder.Debian.Indices;

/// <summary>
/// One .deb found by <see cref="PackageScanner"/> and its Packages stanza. The stanza is kept as
/// UTF-8 with the Filename value relative to the scanned folder, and the folder prefix is spliced
/// in when written, so cached stanzas stay valid however the folder was named on the command line.
/// </summary>
public sealed class ScannedDeb
{
    private readonly byte[] _prefix;

    internal ScannedDeb(string relativePath, long size, long lastWriteTicks, ReadOnlyMemory<byte> template, int filenameOffset, bool fromCache, byte[] prefix)
    {
        RelativePath = relativePath;
        Size = size;
        LastWriteTicks = lastWriteTicks;
        Template = template;
        FilenameOffset = filenameOffset;
        FromCache = fromCache;
        _prefix = prefix;
    }

    /// <summary>The path below the scanned folder, with '/' separators.</summary>
    public string RelativePath { get; }

    /// <summary>The file size seen when the folder was listed.</summary>
    public long Size { get; }

    /// <summary>The file's modification time (UTC ticks) seen when the folder was listed.</summary>
    public long LastWriteTicks { get; }

    /// <summary>True when the stanza came from the cache and the file was not read.</summary>
    public bool FromCache { get; }

    /// <summary>The Filename field: the scanned folder as given, then the relative path.</summary>
    public string Filename => Encoding.UTF8.GetString(_prefix) + RelativePath;

    /// <summary>The stanza text, each field ending in '\n', without the blank line that separates stanzas.</summary>
    public string Stanza
    {
        get
        {
            using var ms = new MemoryStream();
            WriteTo(ms);
            return Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
        }
    }

    public ControlParagraph ToParagraph() => ControlFile.ParseSingle(Stanza, Filename);

    /// <summary>The stanza with the Filename value relative to the folder; may be a slice of the loaded cache file.</summary>
    internal ReadOnlyMemory<byte> Template { get; }
    internal int FilenameOffset { get; }

    internal void WriteTo(Stream output)
    {
        var template = Template.Span;
        output.Write(template[..FilenameOffset]);
        output.Write(_prefix);
        output.Write(template[FilenameOffset..]);
    }
}
