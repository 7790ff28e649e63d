using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Stage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.BuildSources;

/// <summary>
/// Serves this silo's live trees to chroot builds over plain HTTP (<c>/REPOSITORY/dists/…</c>,
/// <c>/REPOSITORY/pool/…</c>): the throwaway root of an sbuild --chroot-mode=unshare build sees
/// none of this host's files (and the data root is 0750, closed to its subordinate ids), but its
/// apt reaches the loopback while it installs build-dependencies. Read only: GET and HEAD of a
/// regular file inside a repository's live tree; every path segment is a plain name (no "..", no
/// hidden name, no encoded slash), and the file opened must lie inside that tree once its links are
/// followed. Signatures are what make the content trustworthy: apt checks InRelease against the
/// repository's key (signed-by). One request per connection, at most <see cref="MaxConnections"/> at
/// once, the request head within 8 KiB and 10 s.
/// </summary>
public sealed partial class LiveTreeServer(StageConfiguration stage, IOptions<AutobuilderOptions> options, ILogger<LiveTreeServer> logger)
    : IAsyncDisposable
{
    public const int MaxConnections = 64;
    private const int MaxHeadBytes = 8192;
    private static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _slots = new(MaxConnections);
    private TcpListener? _listener;
    private Task? _loop;

    /// <summary>http://ADDRESS:PORT once started; null before.</summary>
    public string? BaseUrl { get; private set; }

    public void Start()
    {
        if (_listener is not null)
            return;
        var o = options.Value.BuildSources;
        var address = IPAddress.Parse(o.ServeAddress);
        _listener = new TcpListener(address, o.ServePort);
        _listener.Start();
        var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        BaseUrl = $"http://{(address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString())}:{port}";
        _loop = Task.Run(LoopAsync);
        LogListening(logger, BaseUrl);
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                await _slots.WaitAsync(_stop.Token);
                client = await _listener!.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                try
                {
                    using (client)
                        await ServeAsync(client.GetStream());
                }
                catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                {
                }
                finally
                {
                    _slots.Release();
                }
            });
        }
    }

    private async Task ServeAsync(NetworkStream stream)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(HeadTimeout);
        var head = await ReadHeadAsync(stream, timeout.Token);
        var line = head?.Split("\r\n", 2)[0].Split(' ');
        if (line is not { Length: 3 } || !line[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            await AnswerAsync(stream, 400, "Bad Request");
            return;
        }
        if (line[0] is not ("GET" or "HEAD"))
        {
            await AnswerAsync(stream, 405, "Method Not Allowed");
            return;
        }
        await using var file = Open(line[1]);
        if (file is null)
        {
            await AnswerAsync(stream, 404, "Not Found");
            return;
        }
        var header = $"HTTP/1.1 200 OK\r\nContent-Length: {file.Length}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(header), _stop.Token);
        if (line[0] == "GET")
            await file.CopyToAsync(stream, _stop.Token);
    }

    /// <summary>
    /// The file a request target names, opened, or null: "/REPOSITORY/SEGMENT/…", each segment
    /// percent-decoded once and then a plain name; the opened file a regular file inside the
    /// repository's live tree (checked on the open descriptor, after the tree's own links).
    /// </summary>
    internal FileStream? Open(string target)
    {
        if (!target.StartsWith('/') || target.Contains('?') || target.Contains('#'))
            return null;
        var segments = new List<string>();
        foreach (var raw in target[1..].Split('/'))
        {
            string segment;
            try
            {
                segment = Uri.UnescapeDataString(raw);
            }
            catch (UriFormatException)
            {
                return null;
            }
            if (!PlainSegment().IsMatch(segment))
                return null;
            segments.Add(segment);
        }
        if (segments.Count < 2 || stage.Find(segments[0]) is not { } repository)
            return null;
        var root = RealPath(repository.LivePath);
        if (root is null)
            return null;
        var path = Path.Combine([repository.LivePath, .. segments.Skip(1)]);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var real = File.ResolveLinkTarget($"/proc/self/fd/{file.SafeFileHandle.DangerousGetHandle()}", returnFinalTarget: false)?.FullName;
        if (real is null || !real.StartsWith(root + "/", StringComparison.Ordinal) || !File.Exists(real))
        {
            file.Dispose();
            return null;
        }
        return file;
    }

    private static async Task<string?> ReadHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[MaxHeadBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(length), ct);
            if (n == 0)
                return null;
            length += n;
            var text = Encoding.ASCII.GetString(buffer, 0, length);
            if (text.Contains("\r\n\r\n", StringComparison.Ordinal))
                return text;
        }
        return null;
    }

    private async Task AnswerAsync(NetworkStream stream, int status, string reason)
    {
        var body = $"{status} {reason}\n";
        var text = $"HTTP/1.1 {status} {reason}\r\nContent-Length: {body.Length}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text), _stop.Token);
    }

    private static string? RealPath(string path)
    {
        var resolved = RealPathNative(path, 0);
        if (resolved == 0)
            return null;
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Marshal.FreeHGlobal(resolved);
        }
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial nint RealPathNative(string path, nint resolved);

    // A package file name or an index name: no hidden names (so no ".", ".."), no slash once decoded.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._+~-]{0,254}$")]
    private static partial Regex PlainSegment();

    private int _disposed;

    // The container disposes it once per registration it is reachable by: only the first stops it.
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _stop.CancelAsync();
        _listener?.Stop();
        if (_loop is not null)
            await _loop;
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "live trees served to chroot builds at {Url}")]
    private static partial void LogListening(ILogger logger, string url);
}
