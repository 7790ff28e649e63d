using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Testing;
using MimeKit;

namespace Autobuilder.Silo.Tests;

/// <summary>One real silo (two local slots) and a real SMTP server, shared by the pipeline tests.</summary>
public sealed class PipelineFixture : IAsyncLifetime
{
    private readonly TempDir _root = new("ab-silo-");

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
        });
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
}

[CollectionDefinition(Name)]
public sealed class PipelineCollection : ICollectionFixture<PipelineFixture>
{
    public const string Name = "pipeline";
}
