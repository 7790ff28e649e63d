namespace Autobuilder.Debian.Deb;

/// <summary>
/// One member of an ar archive as <see cref="ArReader"/> returns it. <see cref="Content"/> reads
/// exactly <see cref="Size"/> bytes and is only valid until the reader moves to the next member.
/// </summary>
public sealed class ArMember
{
    internal ArMember(string name, long size, long modificationTime, Stream content)
    {
        Name = name;
        Size = size;
        ModificationTime = modificationTime;
        Content = content;
    }

    /// <summary>The member name with the space padding (and an optional trailing '/') removed.</summary>
    public string Name { get; }

    public long Size { get; }

    /// <summary>Seconds since the epoch, as written in the header.</summary>
    public long ModificationTime { get; }

    public Stream Content { get; }

    /// <summary>Reads the whole member into memory; only for members known to be small.</summary>
    public byte[] ReadAll()
    {
        var bytes = new byte[Size];
        Content.ReadExactly(bytes);
        return bytes;
    }
}
