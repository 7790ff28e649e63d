using System.Text;

namespace Autobuilder.Silo.Execution;

/// <summary>
/// The build log on the garage side while a build runs: each line is appended and flushed at once
/// (so following the file shows the build live) and handed to the optional listener. It holds the
/// log limit: past <c>maxBytes</c> it writes one last line and asks the executor (through
/// <see cref="Stopped"/>) to stop the build. A write that fails (a full disk) does the same,
/// instead of throwing into the thread that reads the build's output — that ended the silo.
/// </summary>
public sealed class LiveLog : IAsyncDisposable
{
    private readonly StreamWriter _file;
    private readonly Action<string>? _listener;
    private readonly long _maxBytes;
    private readonly long _reportedLimit;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopped = new();
    private long _written;
    private bool _broken;

    /// <param name="maxBytes">Bytes the file may reach; <paramref name="reportedLimit"/> is the limit named in the reason (the runner's, when this one is its safety net).</param>
    public LiveLog(string path, Action<string>? listener, long maxBytes = long.MaxValue, long? reportedLimit = null)
    {
        Path = path;
        _file = new StreamWriter(path, append: false, new UTF8Encoding(false)) { AutoFlush = true };
        _listener = listener;
        _maxBytes = maxBytes;
        _reportedLimit = reportedLimit ?? maxBytes;
    }

    public string Path { get; }

    /// <summary>Fires when the build must be stopped because of the log: limit exceeded, or the file cannot be written.</summary>
    public CancellationToken Stopped => _stopped.Token;

    /// <summary>Why <see cref="Stopped"/> fired; null while it has not.</summary>
    public BuildStop? StopReason { get; private set; }

    public long BytesWritten { get { lock (_gate) return _written; } }

    /// <summary>A line of the build's output; dropped once the log is stopped.</summary>
    public void Line(string? line)
    {
        if (line is null)
            return;
        lock (_gate)
        {
            if (StopReason is not null)
                return;
            var bytes = Encoding.UTF8.GetByteCount(line) + 1;
            if (_written + bytes > _maxBytes)
            {
                Stop(BuildStop.LogLimit(_reportedLimit));
                Write($"[autobuilder] {StopReason!.Reason}; the build is being stopped");
                return;
            }
            Write(line);
        }
    }

    /// <summary>The executor's own line (why it stops a build, where it runs): written even past the limit.</summary>
    public void Note(string line)
    {
        lock (_gate)
            Write(line);
    }

    private void Write(string line)
    {
        if (_broken)
            return;
        try
        {
            _file.WriteLine(line);
            _written += Encoding.UTF8.GetByteCount(line) + 1;
            _listener?.Invoke(line);
        }
        catch (IOException ex)
        {
            _broken = true;
            Stop(new BuildStop(BuildRunner.BuildOutcome.BuildFailed,
                $"the build log {Path} could not be written ({ex.Message}); the build was stopped"));
        }
    }

    private void Stop(BuildStop reason)
    {
        if (StopReason is not null)
            return;
        StopReason = reason;
        // Off this thread: cancelling runs the executor's callbacks, which must not run under our lock.
        _ = Task.Run(_stopped.Cancel);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _file.DisposeAsync();
        }
        catch (IOException)
        {
            // A full disk may refuse the last flush as well; the stop reason already says so.
        }
        _stopped.Dispose();
    }
}
