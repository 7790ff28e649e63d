namespace Autobuilder.Silo.Execution;

/// <summary>
/// The build log on the garage side while a build runs: each line is appended and flushed at once
/// (so following the file shows the build live) and handed to the optional listener.
/// </summary>
public sealed class LiveLog : IAsyncDisposable
{
    private readonly StreamWriter _file;
    private readonly Action<string>? _listener;
    private readonly Lock _gate = new();

    public LiveLog(string path, Action<string>? listener)
    {
        Path = path;
        _file = new StreamWriter(path, append: false) { AutoFlush = true };
        _listener = listener;
    }

    public string Path { get; }

    public void Line(string? line)
    {
        if (line is null)
            return;
        lock (_gate)
        {
            _file.WriteLine(line);
            _listener?.Invoke(line);
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate)
            return _file.DisposeAsync();
    }
}
