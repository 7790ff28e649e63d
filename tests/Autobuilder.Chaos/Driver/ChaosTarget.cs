using System.Text.Json.Nodes;
using Autobuilder.Testing;
using MimeKit;

namespace Autobuilder.Chaos;

/// <summary>
/// Where a chaos run works: the silo processes it kills and restarts, which of them takes uploads
/// (the garage: incoming, the upload registry) and which holds the repositories (the stage), and
/// where the mails it checks arrive. One silo of role <c>all</c> plays every part
/// (<see cref="SingleSiloTarget"/>); a cluster's four processes play one each
/// (<see cref="ClusterTarget"/>).
/// </summary>
public interface IChaosTarget : IAsyncDisposable
{
    /// <summary>Takes uploads: its incoming, its upload registry; the driver's grain calls go through it.</summary>
    SiloProcess Garage { get; }

    /// <summary>Holds the repositories (<c>repos/</c> under its data root).</summary>
    SiloProcess Stage { get; }

    /// <summary>The processes a kill picks among.</summary>
    IReadOnlyList<SiloProcess> Victims { get; }

    /// <summary>The stage's grace period for unreferenced pool files, as configured.</summary>
    TimeSpan PoolGrace { get; }

    /// <summary>Starts what is not running yet.</summary>
    Task StartAsync();

    /// <summary>Every mail sent so far.</summary>
    IReadOnlyList<MimeMessage> Mails();
}

/// <summary>One real silo of role <c>all</c> of the run's own, and a real SMTP server.</summary>
public sealed class SingleSiloTarget : IChaosTarget
{
    private readonly SmtpTestServer _smtp;
    private readonly SiloProcess _silo;

    public SingleSiloTarget(string root, string name, ChaosOptions options)
    {
        _smtp = SmtpTestServer.Start();
        PoolGrace = options.PoolGrace;
        _silo = new SiloProcess(Path.Combine(root, "var"), config =>
        {
            var mail = config["Mail"]!.AsObject();
            mail["Host"] = _smtp.Host;
            mail["Port"] = _smtp.Port;
            mail["Security"] = "None";
            var ab = config["Autobuilder"]!.AsObject();
            ab["Stage"] = new JsonObject { ["UnreferencedPoolGraceHours"] = options.PoolGrace.TotalHours };
            // Three slots: a host-mode build of the smallest package is mostly process starts and
            // fsyncs, so a third slot keeps both cores busy while the others wait on the disk.
            var slots = ab["Slots"]!.AsArray();
            for (var i = slots.Count + 1; i <= options.Slots; i++)
                slots.Add(new JsonObject { ["Host"] = "localhost", ["User"] = $"abbuild{i}" });
        }, name)
        { StartTimeout = options.StartTimeout };
    }

    public SiloProcess Garage => _silo;

    public SiloProcess Stage => _silo;

    public IReadOnlyList<SiloProcess> Victims => [_silo];

    public TimeSpan PoolGrace { get; }

    public Task StartAsync() => _silo.StartAsync();

    public IReadOnlyList<MimeMessage> Mails() => _smtp.Messages;

    public async ValueTask DisposeAsync()
    {
        await _silo.DisposeAsync();
        _smtp.Dispose();
    }
}

/// <summary>
/// Silos of a cluster someone else started (the cluster tests' fixture), already running: the run
/// kills and restarts them but does not own them (disposing leaves them running). Mails are read
/// from the garage's outbox folder (<c>Mail:OutboxDirectory</c>, the .eml files the silo writes
/// when no SMTP server is configured).
/// </summary>
public sealed class ClusterTarget(SiloProcess garage, SiloProcess stage, IReadOnlyList<SiloProcess> victims, string outbox, TimeSpan poolGrace)
    : IChaosTarget
{
    public SiloProcess Garage => garage;

    public SiloProcess Stage => stage;

    public IReadOnlyList<SiloProcess> Victims => victims;

    public TimeSpan PoolGrace => poolGrace;

    public Task StartAsync() => Task.CompletedTask;

    public IReadOnlyList<MimeMessage> Mails()
    {
        if (!Directory.Exists(outbox))
            return [];
        var mails = new List<MimeMessage>();
        foreach (var file in Directory.EnumerateFiles(outbox, "*.eml").Order(StringComparer.Ordinal))
        {
            try
            {
                mails.Add(MimeMessage.Load(file));
            }
            catch (IOException)
            {
                // Written whole under another name and renamed: a file seen is whole; one gone is skipped.
            }
        }
        return mails;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
