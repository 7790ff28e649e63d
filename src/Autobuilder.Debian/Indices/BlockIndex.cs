using System.Text;
using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Compression;

namespace Autobuilder.Debian.Indices;

/// <summary>
/// A Packages or Sources index kept in memory as blocks of stanzas, so that publishing a change
/// costs the change, not the index (ARCHITECTURE.md §9: a 50,000-package Packages is ~37 MB;
/// compressing it whole takes ~1 s with gzip and ~24 s with xz):
/// <list type="bullet">
/// <item>each block is compressed on its own: one gzip member in Packages.gz (apt reads
/// concatenated members as one file) and one block of a single .xz stream in Packages.xz (apt
/// does not read concatenated .xz streams, but a stream of many blocks is plain .xz); a change
/// recompresses its block only;</item>
/// <item>Release needs the size and MD5/SHA-1/SHA-256 of the uncompressed file and of each
/// compressed one. Those sums run through the files from the start, so the state of each sum
/// after every block is kept (<see cref="DigestState"/> can be copied mid-stream); a build
/// continues them from the block before the first change;</item>
/// <item>stanzas are ordered by (<see cref="IndexEntry.Order"/>, key), and the caller orders by the
/// time a package entered, so a new package lands in the last block and a publish hashes one block,
/// not the file. A removal (a package replaced by its new version, say) still rehashes — not
/// recompresses — from its block to the end.</item>
/// </list>
/// The decompressed bytes depend only on the set of entries, never on the history of changes, so
/// an index built up change by change decompresses to exactly what <see cref="Load"/> of the same
/// entries gives. Not thread-safe; <see cref="Build"/> uses the cores itself.
/// </summary>
public sealed class BlockIndex : IDisposable
{
    private const int Plain = 0, Gz = 1, Xz = 2;
    private static readonly DigestKind[] Kinds = [DigestKind.Md5, DigestKind.Sha1, DigestKind.Sha256];
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private static readonly byte[] EmptyGzip = GzipMember.Compress([]);
    private static readonly Comparer<Item> ItemOrder = Comparer<Item>.Create(Compare);

    // Blocks whose uncompressed bytes are held at once while a build runs (8 MiB at the default block size).
    private const int WindowBlocks = 64;

    private readonly List<Block> _blocks = [];
    private readonly Dictionary<string, (Block Block, Item Item)> _where = new(StringComparer.Ordinal);
    private long _version;
    private long _builtVersion = -1;
    private IndexImage? _image;

    public BlockIndex(string name, BlockIndexOptions? options = null)
    {
        IndexFiles.Resolve("/", name); // refuses a name that could leave the suite folder
        Name = name;
        Options = options ?? BlockIndexOptions.Default;
    }

    /// <summary>The index's path below dists/&lt;suite&gt;/, e.g. "main/binary-amd64/Packages".</summary>
    public string Name { get; }

    public BlockIndexOptions Options { get; }

    public int Count => _where.Count;

    /// <summary>Blocks in the file (gzip members, xz blocks).</summary>
    public int BlockCount => _blocks.Count;

    public bool Contains(string key) => _where.ContainsKey(key);

    /// <summary>Replaces the whole content: entries sorted, cut into full blocks, everything to compute at the next build.</summary>
    public void Load(IEnumerable<IndexEntry> entries)
    {
        Clear();
        var items = entries.Select(e => new Item(e, ByteCount(e))).ToList();
        items.Sort(ItemOrder);
        Block? block = null;
        foreach (var item in items)
        {
            if (!_where.TryAdd(item.Entry.Key, default))
                throw new ArgumentException($"{Name}: key {item.Entry.Key} comes twice", nameof(entries));
            if (block is null || (block.Bytes + item.Bytes > Options.BlockBytes && block.Items.Count > 0))
                _blocks.Add(block = new Block());
            block.Items.Add(item);
            block.Bytes += item.Bytes;
            _where[item.Entry.Key] = (block, item);
        }
        _version++;
    }

    /// <summary>Adds an entry, replacing one with the same key.</summary>
    public void Add(IndexEntry entry)
    {
        Remove(entry.Key);
        var item = new Item(entry, ByteCount(entry));
        Block block;
        if (_blocks.Count == 0 || Compare(item, _blocks[^1].Items[^1]) > 0)
        {
            // After everything: the last block, or a new one when it is full.
            if (_blocks.Count == 0 || _blocks[^1].Bytes + item.Bytes > Options.BlockBytes)
                _blocks.Add(new Block());
            block = _blocks[^1];
            block.Items.Add(item);
        }
        else
        {
            // Into the first block whose last stanza sorts after it (an older Order: a clock set back, a batch's order).
            var lo = 0;
            var hi = _blocks.Count - 1;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (Compare(_blocks[mid].Items[^1], item) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            block = _blocks[lo];
            var at = block.Items.BinarySearch(item, ItemOrder);
            block.Items.Insert(~at, item);
        }
        block.Bytes += item.Bytes;
        block.Dirty = true;
        _where[entry.Key] = (block, item);
        _version++;
    }

    public bool Remove(string key)
    {
        if (!_where.Remove(key, out var where))
            return false;
        var block = where.Block;
        block.Items.RemoveAt(block.Items.BinarySearch(where.Item, ItemOrder));
        block.Bytes -= where.Item.Bytes;
        block.Dirty = true;
        if (block.Items.Count == 0)
        {
            // Its successor now follows another block: its sums are recomputed (BuiltAfter differs).
            _blocks.Remove(block);
            block.Dispose();
        }
        _version++;
        return true;
    }

    /// <summary>
    /// Compresses the blocks that changed, carries the sums on from the last unchanged block, and
    /// returns the index's Release entries and writers. Cheap when nothing changed.
    /// </summary>
    public IndexImage Build()
    {
        if (_image is not null && _builtVersion == _version)
            return _image;
        Normalise();

        var first = 0;
        while (first < _blocks.Count && !_blocks[first].Dirty && _blocks[first].BuiltAfter == (first == 0 ? null : _blocks[first - 1])
               && _blocks[first].After[0] is not null)
            first++;

        var jobs = new List<(int File, int Kind)>();
        foreach (var file in new[] { Plain, Gz, Xz }.Where(f => f == Plain || (f == Gz ? Options.Gzip : Options.Xz)))
            jobs.AddRange(Enumerable.Range(0, Kinds.Length).Select(k => (file, k)));
        var states = new DigestState?[9];
        foreach (var (file, kind) in jobs)
            states[file * Kinds.Length + kind] = first == 0 ? Start(file, kind) : _blocks[first - 1].After[file * Kinds.Length + kind]!.Copy();
        try
        {
            // A window of blocks at a time: the uncompressed bytes are needed for the sums from the
            // first change on, but holding all of them (37 MB for 50,000 packages) would only grow the heap.
            for (var from = first; from < _blocks.Count; from += WindowBlocks)
            {
                var to = Math.Min(_blocks.Count, from + WindowBlocks);
                var plain = new byte[to - from][];
                Parallel.For(from, to, i => plain[i - from] = Encode(_blocks[i]));
                // The uncompressed file's sums (MD5 is the slowest) run while the changed blocks are compressed.
                var window = from;
                var plainSums = jobs.Where(j => j.File == Plain).Select(j => Task.Run(() => Advance(j.File, j.Kind, window, to, plain, states))).ToArray();
                Parallel.For(from, to, i =>
                {
                    var block = _blocks[i];
                    if (!block.Dirty && (block.Gzip is not null || !Options.Gzip) && (block.Xz is not null || !Options.Xz))
                        return;
                    block.Gzip = Options.Gzip ? GzipMember.Compress(plain[i - window], Options.GzipLevel) : null;
                    block.Xz = Options.Xz ? XzBlocks.Encode(plain[i - window], Options.XzPreset) : null;
                });
                Parallel.ForEach(jobs.Where(j => j.File != Plain), j => Advance(j.File, j.Kind, window, to, plain, states));
                Task.WaitAll(plainSums);
            }
        }
        catch
        {
            foreach (var state in states)
                state?.Dispose();
            throw;
        }
        var trailer = Options.Xz ? XzBlocks.StreamTrailer(_blocks.Select(b => b.Xz!)) : [];
        var sums = new string[3, Kinds.Length];
        foreach (var (file, kind) in jobs)
        {
            using var state = states[file * Kinds.Length + kind]!;
            if (file == Gz && _blocks.Count == 0)
                state.Append(EmptyGzip); // an empty index is still a valid .gz file
            if (file == Xz)
                state.Append(trailer);
            sums[file, kind] = state.Finish();
        }

        for (var i = first; i < _blocks.Count; i++)
        {
            _blocks[i].Dirty = false;
            _blocks[i].BuiltAfter = i == 0 ? null : _blocks[i - 1];
        }

        var plainSize = _blocks.Sum(b => (long)b.Bytes);
        var entries = new List<FileEntry> { Entry(Name, plainSize, sums, Plain) };
        if (Options.Gzip)
            entries.Add(Entry(Name + ".gz", _blocks.Count == 0 ? EmptyGzip.Length : _blocks.Sum(b => (long)b.Gzip!.Length), sums, Gz));
        if (Options.Xz)
            entries.Add(Entry(Name + ".xz", XzBlocks.StreamHeader.Length + _blocks.Sum(b => (long)b.Xz!.Bytes.Length) + trailer.Length, sums, Xz));

        var version = _version;
        _builtVersion = version;
        _image = new IndexImage(Name, entries, (name, stream) =>
        {
            if (_version != version)
                throw new InvalidOperationException($"{Name} changed after it was built; build it again before writing");
            Write(name, stream, trailer);
        });
        return _image;
    }

    private static DigestState Start(int file, int kind)
    {
        var state = DigestState.Start(Kinds[kind]);
        if (file == Xz)
            state.Append(XzBlocks.StreamHeader.Span);
        return state;
    }

    /// <summary>Carries one sum of one file through blocks [from, to), keeping the state after each block.</summary>
    private void Advance(int file, int kind, int from, int to, byte[][] plain, DigestState?[] states)
    {
        var slot = file * Kinds.Length + kind;
        var state = states[slot]!;
        for (var i = from; i < to; i++)
        {
            var block = _blocks[i];
            state.Append(file switch
            {
                Plain => plain[i - from],
                Gz => block.Gzip!,
                _ => block.Xz!.Bytes,
            });
            block.After[slot]?.Dispose();
            block.After[slot] = state.Copy();
        }
    }

    private void Write(string name, Stream stream, byte[] trailer)
    {
        if (name == Name)
        {
            foreach (var block in _blocks)
                stream.Write(Encode(block));
        }
        else if (name == Name + ".gz" && Options.Gzip)
        {
            if (_blocks.Count == 0)
                stream.Write(EmptyGzip);
            foreach (var block in _blocks)
                stream.Write(block.Gzip!);
        }
        else if (name == Name + ".xz" && Options.Xz)
        {
            stream.Write(XzBlocks.StreamHeader.Span);
            foreach (var block in _blocks)
                stream.Write(block.Xz!.Bytes);
            stream.Write(trailer);
        }
        else
        {
            throw new ArgumentException($"{name} is not a variant of {Name}", nameof(name));
        }
    }

    /// <summary>
    /// Keeps blocks near their size where changes happened, touching only changed blocks and their
    /// neighbours: a block grown past twice the size is split, a changed block shrunk below a
    /// quarter joins its predecessor when both fit in one.
    /// </summary>
    private void Normalise()
    {
        for (var i = 0; i < _blocks.Count; i++)
        {
            var block = _blocks[i];
            if (!block.Dirty || block.Bytes <= 2 * Options.BlockBytes)
                continue;
            var pieces = new List<Block>();
            var piece = new Block();
            foreach (var item in block.Items)
            {
                if (piece.Bytes + item.Bytes > Options.BlockBytes && piece.Items.Count > 0)
                {
                    pieces.Add(piece);
                    piece = new Block();
                }
                piece.Items.Add(item);
                piece.Bytes += item.Bytes;
                _where[item.Entry.Key] = (piece, item);
            }
            pieces.Add(piece);
            _blocks.RemoveAt(i);
            _blocks.InsertRange(i, pieces);
            block.Dispose();
            i += pieces.Count - 1;
        }
        for (var i = 1; i < _blocks.Count; i++)
        {
            var block = _blocks[i];
            var previous = _blocks[i - 1];
            if (!block.Dirty || block.Bytes >= Options.BlockBytes / 4 || previous.Bytes + block.Bytes > Options.BlockBytes)
                continue;
            foreach (var item in block.Items)
            {
                previous.Items.Add(item);
                _where[item.Entry.Key] = (previous, item);
            }
            previous.Bytes += block.Bytes;
            previous.Dirty = true;
            _blocks.RemoveAt(i);
            block.Dispose();
            i--;
        }
    }

    private static byte[] Encode(Block block)
    {
        var bytes = new byte[block.Bytes];
        var at = 0;
        foreach (var item in block.Items)
        {
            at += Utf8.GetBytes(item.Entry.Stanza, bytes.AsSpan(at));
            bytes[at++] = (byte)'\n';
        }
        return bytes;
    }

    private static int ByteCount(IndexEntry e) => Utf8.GetByteCount(e.Stanza) + 1;

    private static FileEntry Entry(string name, long size, string[,] sums, int file) =>
        new(name, size, sums[file, 0], sums[file, 1], sums[file, 2]);

    private static int Compare(Item a, Item b)
    {
        var c = a.Entry.Order.CompareTo(b.Entry.Order);
        return c != 0 ? c : string.CompareOrdinal(a.Entry.Key, b.Entry.Key);
    }

    private void Clear()
    {
        foreach (var block in _blocks)
            block.Dispose();
        _blocks.Clear();
        _where.Clear();
        _image = null;
    }

    public void Dispose() => Clear();

    private readonly record struct Item(IndexEntry Entry, int Bytes);

    private sealed class Block : IDisposable
    {
        public readonly List<Item> Items = [];
        public int Bytes;
        public bool Dirty = true;
        public byte[]? Gzip;
        public XzBlock? Xz;

        /// <summary>The block this one followed when its sums were last carried through it; another one means they are stale.</summary>
        public Block? BuiltAfter;

        /// <summary>The state of each sum of each file after this block: [file * 3 + kind].</summary>
        public readonly DigestState?[] After = new DigestState?[9];

        public void Dispose()
        {
            for (var i = 0; i < After.Length; i++)
            {
                After[i]?.Dispose();
                After[i] = null;
            }
        }
    }
}
