using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Testing;
using MimeKit;

namespace Autobuilder.Silo.Tests.Limits;

/// <summary>
/// One real silo (two local slots) with limits lowered for the tests — products bookworm (the
/// default timeout) and sid (its own 60 s timeout: long enough for a good build on a loaded
/// machine), a 2 MiB log limit — and a real SMTP server. The limit, cancel and supersede tests
/// share it, one at a time.
/// </summary>
public sealed class LimitsFixture : IAsyncLifetime
{
    public const string ShortProduct = "sid";
    public const int TimeoutSeconds = 60;
    public const long LogLimitBytes = 2 * 1024 * 1024;

    private readonly TempDir _root = new("ab-limits-");

    public SmtpTestServer Smtp { get; } = SmtpTestServer.Start();
    public SiloProcess Silo { get; private set; } = null!;
    public string Scratch => _root["scratch"];

    public async Task InitializeAsync()
    {
        Silo = new SiloProcess(_root["var"], config =>
        {
            var mail = config["Mail"]!.AsObject();
            mail["Host"] = Smtp.Host;
            mail["Port"] = Smtp.Port;
            mail["Security"] = "None";
            var ab = config["Autobuilder"]!.AsObject();
            ab["Products"] = new JsonArray("bookworm", ShortProduct);
            ab["BuildLimits"] = new JsonObject
            {
                ["ProductTimeoutSeconds"] = new JsonObject { [ShortProduct] = TimeoutSeconds },
                ["LogLimitBytes"] = LogLimitBytes,
                ["KillGraceSeconds"] = 2,
            };
        }, name: "limits");
        await Silo.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        Smtp.Dispose();
        _root.Dispose();
    }

    public async Task<MimeMessage> WaitForMailAsync(string subjectPart, TimeSpan? timeout = null) =>
        await Smtp.WaitForMessageAsync(m => m.Subject?.Contains(subjectPart, StringComparison.Ordinal) == true, timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>Waits until both slots are idle again (a stopped build frees its slot).</summary>
    public async Task WaitForIdleSlotsAsync(TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        IReadOnlyList<SlotStatus> slots = [];
        while (DateTime.UtcNow < until)
        {
            slots = (await Silo.Grains.GetGrain<IBuildSchedulerGrain>(0).GetStatusAsync()).Slots;
            if (slots.Count == 2 && slots.All(s => s.State == SlotState.Idle && s.CurrentBuild is null))
                return;
            await Task.Delay(200);
        }
        throw new TimeoutException($"slots not idle: {string.Join("; ", slots.Select(s => $"{s.Slot} {s.State} {s.CurrentBuild}"))}");
    }
}

[CollectionDefinition(Name)]
public sealed class LimitsCollection : ICollectionFixture<LimitsFixture>
{
    public const string Name = "limits";
}
