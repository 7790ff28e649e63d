using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Autobuilder.Grains;
using Autobuilder.Grains.Stage;
using Autobuilder.Grains.Stage.Journal;
using Microsoft.Extensions.Logging;

namespace Autobuilder.Silo.Stage.Journal;

/// <summary>
/// The package set of each distribution as an append-only file, db/&lt;repository&gt;/&lt;product&gt;/journal.jsonl:
/// every change is one append of its records and a commit line, synced before the grain counts it.
/// A crash can leave only an uncommitted tail, which loading drops and cuts off. Holding tens of
/// thousands of stanzas this way costs each change only its own size, where one state blob would
/// be rewritten whole every time (ARCHITECTURE.md §3). When dead lines (replaced or removed
/// records) outnumber live ones, the file is rewritten once as a snapshot.
/// </summary>
public sealed partial class PackageJournal(StageFolders folders, ILogger<PackageJournal> logger) : IPackageJournal
{
    public const string FileName = "journal.jsonl";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Stanzas stay readable in the file (no \u escapes for '+', '<' or non-ASCII names).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // Lines per journal file, to decide on compaction without reading the file again.
    private readonly Dictionary<string, long> _lines = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public string PathFor(string repository, string product) => Path.Combine(folders.Database(repository, product), FileName);

    public Task<JournalContents> LoadAsync(string repository, string product, CancellationToken ct = default) =>
        Task.Run(() => Load(repository, product), ct);

    private JournalContents Load(string repository, string product)
    {
        var path = PathFor(repository, product);
        if (!File.Exists(path))
            return new JournalContents(0, [], []);

        var records = new Dictionary<string, PackageRecord>(StringComparer.Ordinal);
        var accepted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new List<JournalLine>();
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        long generation = 0, lines = 0, committedEnd = 0, length;
        var lineNo = 0;
        // Line by line through a small buffer: reading a 60 MB journal (50,000 packages) whole
        // would leave that much garbage behind in the stage silo for every distribution loaded.
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan))
        {
            length = file.Length;
            var reader = new JournalLineReader(file);
            while (reader.Next() is { } raw)
            {
                lineNo++;
                JournalLine? line;
                try
                {
                    line = JsonSerializer.Deserialize<JournalLine>(raw.Span, Json);
                }
                catch (JsonException ex)
                {
                    line = null;
                    // Only the tail after the last commit may be damaged; damage before it is data loss we must not hide.
                    if (!OnlyTailFollows(file, reader.Position))
                        throw new InvalidDataException($"{path}: line {lineNo} is damaged ({ex.Message}); the journal needs an operator", ex);
                }
                if (line is null)
                    break;
                lines++;
                if (line.Op == JournalLine.CommitOp)
                {
                    foreach (var p in pending)
                    {
                        if (p.Op == JournalLine.AddOp && p.R is not null)
                            records[p.R.Key] = Shared(p.R, strings);
                        else if (p.Op == JournalLine.DeleteOp && p.K is not null)
                            records.Remove(p.K);
                    }
                    pending.Clear();
                    if (line.Changes is not null)
                        accepted.Add(line.Changes);
                    if (line.Accepted is not null)
                        accepted.UnionWith(line.Accepted);
                    generation = line.G;
                    committedEnd = reader.Position;
                }
                else
                {
                    pending.Add(line);
                }
            }
        }

        if (committedEnd < length)
        {
            // Cut the uncommitted tail now, so the next append does not commit it by accident.
            using var f = new FileStream(path, FileMode.Open, FileAccess.Write);
            f.SetLength(committedEnd);
            f.Flush(flushToDisk: true);
            LogTailDropped(logger, path, length - committedEnd);
        }
        lock (_gate)
            _lines[path] = lines;
        return new JournalContents(generation, records.Values.ToList(), accepted);
    }

    // True when nothing but (possibly damaged) uncommitted lines follow position `end` (rare: read the rest whole).
    private static bool OnlyTailFollows(FileStream file, long end)
    {
        file.Position = end;
        using var rest = new MemoryStream();
        file.CopyTo(rest);
        return rest.GetBuffer().AsSpan(0, (int)rest.Length).IndexOf("\"op\":\"commit\""u8) < 0;
    }

    /// <summary>
    /// One string instance for the values thousands of records repeat (architecture, component,
    /// a source named like its package, a source version equal to the version): the serializer
    /// makes a new string for each, which costs ~10 MB for 50,000 packages.
    /// </summary>
    private static PackageRecord Shared(PackageRecord r, Dictionary<string, string> strings)
    {
        string One(string value)
        {
            if (strings.TryGetValue(value, out var shared))
                return shared;
            strings[value] = value;
            return value;
        }
        return r with
        {
            Architecture = One(r.Architecture),
            Component = One(r.Component),
            Source = r.Source == r.Package ? r.Package : r.Source,
            SourceVersion = r.SourceVersion == r.Version ? r.Version : r.SourceVersion,
        };
    }

    public Task AppendAsync(string repository, string product, JournalBatch batch, int liveRecords, CancellationToken ct = default) =>
        Task.Run(() => Append(repository, product, [batch], liveRecords), ct);

    public Task AppendAsync(string repository, string product, IReadOnlyList<JournalBatch> batches, int liveRecords, CancellationToken ct = default) =>
        Task.Run(() => Append(repository, product, batches, liveRecords), ct);

    private void Append(string repository, string product, IReadOnlyList<JournalBatch> batches, int liveRecords)
    {
        var path = PathFor(repository, product);
        var folder = Path.GetDirectoryName(path)!;
        var created = !File.Exists(path);
        Directory.CreateDirectory(folder);

        using var buffer = new MemoryStream();
        foreach (var batch in batches)
        {
            foreach (var key in batch.Removed)
                WriteLine(buffer, new JournalLine { Op = JournalLine.DeleteOp, K = key });
            foreach (var r in batch.Added)
                WriteLine(buffer, new JournalLine { Op = JournalLine.AddOp, R = r });
            WriteLine(buffer, new JournalLine { Op = JournalLine.CommitOp, G = batch.Generation, At = batch.At, Changes = batch.ChangesSha256, Note = batch.Note });
        }

        using (var f = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            buffer.Position = 0;
            buffer.CopyTo(f);
            f.Flush(flushToDisk: true);
        }
        if (created)
            Posix.Sync(folder);

        long lines;
        var written = batches.Sum(b => b.Removed.Count + b.Added.Count + 1);
        lock (_gate)
            lines = _lines[path] = _lines.GetValueOrDefault(path) + written;
        var after = liveRecords + batches.Sum(b => b.Added.Count - b.Removed.Count);
        if (lines > 2L * after + 1000)
            Compact(repository, product, path);
    }

    /// <summary>Rewrites the journal as one commit of the live records (write, sync, rename: old or new, never a mix).</summary>
    private void Compact(string repository, string product, string path)
    {
        var contents = Load(repository, product);
        var temp = path + ".compact";
        using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            foreach (var r in contents.Records)
                WriteLine(f, new JournalLine { Op = JournalLine.AddOp, R = r });
            WriteLine(f, new JournalLine
            {
                Op = JournalLine.CommitOp,
                G = contents.Generation,
                At = DateTimeOffset.UtcNow,
                Note = "compacted",
                Accepted = [.. contents.AcceptedChanges],
            });
            f.Flush(flushToDisk: true);
        }
        Posix.Rename(temp, path);
        Posix.Sync(Path.GetDirectoryName(path)!);
        lock (_gate)
            _lines[path] = contents.Records.Count + 1;
        LogCompacted(logger, path, contents.Records.Count);
    }

    private static void WriteLine(Stream stream, JournalLine line)
    {
        JsonSerializer.Serialize(stream, line, Json);
        stream.WriteByte((byte)'\n');
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Journal}: dropped {Bytes} bytes of an uncommitted change a crash cut short")]
    private static partial void LogTailDropped(ILogger logger, string journal, long bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Journal}: compacted to {Records} records")]
    private static partial void LogCompacted(ILogger logger, string journal, int records);
}
