namespace Autobuilder.Debian.Indices;

/// <summary>
/// One stanza of an index kept by <see cref="BlockIndex"/>. The file lists stanzas by
/// (<see cref="Order"/>, <see cref="Key"/>): apt does not care about the order of a Packages file,
/// so the order can put what is added last at the end of the file, where a change leaves
/// everything before it — its compressed blocks and its running checksums — as it was.
/// </summary>
/// <param name="Key">Unique within the index (package_version_architecture).</param>
/// <param name="Order">The primary sort key; the time the package entered the distribution, in ticks.</param>
/// <param name="Stanza">The paragraph, ending in one newline; the index writes the blank line after it.</param>
public sealed record IndexEntry(string Key, long Order, string Stanza);
