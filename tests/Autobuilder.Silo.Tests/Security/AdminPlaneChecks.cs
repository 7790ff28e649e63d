using System.Net;
using System.Text.Json;
using Autobuilder.Grains;
using Autobuilder.Grains.Security;
using Autobuilder.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Autobuilder.Silo.Tests.Security;

/// <summary>
/// The admin plane's proofs, run against any autobuilder (one silo, or the four-process cluster):
/// the real console and raw Orleans clients, each without a certificate, with one of another CA,
/// with a revoked one, with too small a role, and with forged proofs. Each must be refused with its
/// reason; the allowed changes must be in the audit log and the refused ones not.
/// </summary>
public static class AdminPlaneChecks
{
    public static ToolResult Console(string[] args, IDictionary<string, string>? environment = null, string? workingDirectory = null) =>
        Tool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "autobuilder.dll"), .. args], workingDirectory, environment, timeout: TimeSpan.FromMinutes(1));

    /// <summary>Every refusal and the audit, against the gateway at <paramref name="address"/>:<paramref name="gatewayPort"/> whose CA is <paramref name="authority"/>.</summary>
    public static async Task RunAsync(CertificateAuthority authority, int gatewayPort, string slot, string filesHost, string tag, string address = "127.0.0.1")
    {
        var gateway = new[] { "--gateway", $"{address}:{gatewayPort}" };
        using var scratch = new TempDir("ab-adminplane-");

        // No certificate at all: nothing found where the console looks (no checkout, no $AUTOBUILDER_CERT, an empty home).
        var none = Console(["status", .. gateway], new Dictionary<string, string> { ["HOME"] = scratch.Path, ["AUTOBUILDER_CERT"] = "" }, scratch.Path);
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("no client certificate", none.Stderr);

        // A certificate of another autobuilder's CA, even an admin one.
        var other = new CertificateAuthority(scratch["other-ca"]);
        other.Init([], "mallory");
        var foreign = Console(["status", .. gateway, "--cert", other.UserPath("mallory")]);
        Assert.Equal(2, foreign.ExitCode);
        Assert.Contains("not issued by this autobuilder's certificate authority", foreign.Stderr);
        Assert.Contains("belongs to another autobuilder", foreign.Stderr);

        // A revoked certificate: the console connects, the silo refuses its first call and says why.
        var revokedName = $"gone-{tag}";
        authority.Issue(revokedName, AccessRole.Operator, TimeSpan.FromDays(1));
        var revokedCopy = scratch["gone.pem"];
        File.Copy(authority.UserPath(revokedName), revokedCopy);
        authority.Revoke(revokedName);
        // Silos read revoked.txt again at most once a second.
        await Task.Delay(1500);
        var revoked = Console(["builders", "drain", slot, .. gateway, "--cert", revokedCopy]);
        Assert.Equal(77, revoked.ExitCode);
        Assert.Contains("has been revoked", revoked.Stderr);

        // A reader may look, not remove or drain.
        var readerName = $"reader-{tag}";
        authority.Issue(readerName, AccessRole.Reader, TimeSpan.FromDays(1));
        string[] reader = [.. gateway, "--cert", authority.UserPath(readerName)];
        Console(["status", .. reader]).Ok();
        var remove = Console(["repo", "remove", "ab-anything", "--from", "extras-devel/bookworm", .. reader]);
        Assert.Equal(77, remove.ExitCode);
        Assert.Contains($"certificate '{readerName}' has role reader", remove.Stderr);
        Assert.Contains("needs role admin", remove.Stderr);
        var drain = Console(["builders", "drain", slot, .. reader]);
        Assert.Equal(77, drain.ExitCode);
        Assert.Contains("needs role operator", drain.Stderr);

        // An operator may drain and enable: those are the changes the audit must show.
        var operatorName = $"operator-{tag}";
        authority.Issue(operatorName, AccessRole.Operator, TimeSpan.FromDays(1));
        string[] operatorArgs = [.. gateway, "--cert", authority.UserPath(operatorName)];
        Console(["builders", "drain", slot, .. operatorArgs]).Ok();
        Console(["builders", "enable", slot, .. operatorArgs]).Ok();
        var operatorRemove = Console(["repo", "remove", "ab-anything", "--from", "extras-devel/bookworm", .. operatorArgs]);
        Assert.Equal(77, operatorRemove.ExitCode);

        var audit = Console(["audit", "--json", "--limit", "5000", .. reader]).Ok();
        using var doc = JsonDocument.Parse(audit.Stdout);
        var entries = doc.RootElement.EnumerateArray()
            .Select(e => (Who: e.GetProperty("who").GetString()!, What: e.GetProperty("what").GetString()!, Result: e.GetProperty("result").GetString()!))
            .ToList();
        Assert.Contains(entries, e => e.Who == operatorName && e.What == $"IBuilderSlotGrain.DrainAsync([{slot}])" && e.Result == "ok");
        Assert.Contains(entries, e => e.Who == operatorName && e.What == $"IBuilderSlotGrain.EnableAsync([{slot}])" && e.Result == "ok");
        Assert.DoesNotContain(entries, e => e.Who == readerName || e.Who == revokedName || e.Who == "mallory");
        Assert.DoesNotContain(entries, e => e.Who == operatorName && e.What.Contains("RemoveAsync", StringComparison.Ordinal));

        // Raw Orleans clients, without the console.
        await AssertNoCallWithoutCertificateAsync(gatewayPort, address);
        using var readerCredential = Credential.Load(authority.UserPath(readerName));
        using var adminCredential = Credential.Load(authority.UserPath(CertificateNames.ForCurrentUser()));
        await AssertForgedProofsRefusedAsync(gatewayPort, readerCredential, adminCredential, slot, filesHost, address);
    }

    /// <summary>A plain client (no TLS, no certificate) cannot start, or if it could, could call nothing.</summary>
    public static async Task AssertNoCallWithoutCertificateAsync(int gatewayPort, string address = "127.0.0.1")
    {
        using var host = ClientHost(gatewayPort, address, _ => { });
        var failure = await Record.ExceptionAsync(async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await host.StartAsync(timeout.Token);
            var grains = host.Services.GetRequiredService<IClusterClient>();
            await grains.GetGrain<IBuildSchedulerGrain>(0).GetStatusAsync().WaitAsync(TimeSpan.FromSeconds(15));
        });
        Assert.NotNull(failure);
    }

    /// <summary>
    /// A reader's client that claims more: its own certificate on a silo proof, the admin's
    /// certificate (public, anyone may have a copy) under its own signature, and calls of the
    /// silos' internal methods. Each is refused and says why.
    /// </summary>
    public static async Task AssertForgedProofsRefusedAsync(int gatewayPort, Credential reader, Credential admin, string slot, string filesHost, string address = "127.0.0.1")
    {
        var forge = new ForgingFilter();
        using var host = ClientHost(gatewayPort, address, c =>
        {
            c.UseAutobuilderSecurity(reader);
            // Runs after the real proof filter: what reaches the silo is the forgery.
            c.AddOutgoingGrainCallFilter(forge);
        });
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            await host.StartAsync(timeout.Token);
        var grains = host.Services.GetRequiredService<IClusterClient>();
        var slotGrain = grains.GetGrain<IBuilderSlotGrain>(slot);

        forge.Proof = CallProof.Create(reader, CallProof.SiloSubject, DateTimeOffset.UtcNow.AddMinutes(5));
        var asSilo = await Assert.ThrowsAsync<AccessRefusedException>(() => slotGrain.DrainAsync());
        Assert.Contains("is not a silo's", asSilo.Message);

        var adminCertificate = CallProof.Create(reader, CallProof.ClientSubject, DateTimeOffset.UtcNow.AddMinutes(5)) with { Certificate = admin.Certificate.RawData };
        forge.Proof = adminCertificate;
        var borrowed = await Assert.ThrowsAsync<AccessRefusedException>(() => slotGrain.DrainAsync());
        Assert.Contains($"not signed with the key of certificate '{admin.Identity.Name}'", borrowed.Message);

        forge.Proof = CallProof.Create(reader, CallProof.ClientSubject, DateTimeOffset.UtcNow.AddMinutes(-1));
        var expired = await Assert.ThrowsAsync<AccessRefusedException>(() => slotGrain.GetStatusAsync());
        Assert.Contains("expired", expired.Message);

        // A proof the silo verified once and remembers, then sent again with its expiry moved a year on.
        var honest = CallProof.Create(reader, CallProof.ClientSubject, DateTimeOffset.UtcNow.AddMinutes(5));
        forge.Proof = honest;
        Assert.Equal(slot, (await slotGrain.GetStatusAsync()).Slot);
        forge.Proof = honest with { Expires = honest.Expires + 365 * 86_400 };
        var stretched = await Assert.ThrowsAsync<AccessRefusedException>(() => slotGrain.GetStatusAsync());
        Assert.Contains($"not signed with the key of certificate '{reader.Identity.Name}'", stretched.Message);

        forge.Proof = null; // the reader's own, honest proof from here on
        Assert.Equal(slot, (await slotGrain.GetStatusAsync()).Slot);
        var internalCall = await Assert.ThrowsAsync<AccessRefusedException>(() => grains.GetGrain<IHostFilesGrain>(filesHost).ReadRelativeAsync("gnupg/pubring.kbx", 0, 100));
        Assert.Contains("internal to the autobuilder's silos", internalCall.Message);
        await Assert.ThrowsAsync<AccessRefusedException>(() => grains.GetGrain<IAuditLogGrain>(0).RecordAsync(
            new AuditEntry(DateTimeOffset.UtcNow, "someone-else", "admin", "forged", "ok")));
        await host.StopAsync(TimeSpan.FromSeconds(2));
    }

    private static IHost ClientHost(int gatewayPort, string address, Action<IClientBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(c =>
        {
            c.UseStaticClustering(new IPEndPoint(IPAddress.Parse(address), gatewayPort));
            c.Configure<ClusterOptions>(o => { o.ClusterId = "autobuilder"; o.ServiceId = "autobuilder"; });
            configure(c);
        });
        return builder.Build();
    }

    /// <summary>Replaces the proof on every call when told to: what a client that lies would send.</summary>
    private sealed class ForgingFilter : IOutgoingGrainCallFilter
    {
        public CallProof? Proof { get; set; }

        public Task Invoke(IOutgoingGrainCallContext context)
        {
            if (Proof is { } proof)
                RequestContext.Set(CallProof.Key, proof);
            return context.Invoke();
        }
    }
}
