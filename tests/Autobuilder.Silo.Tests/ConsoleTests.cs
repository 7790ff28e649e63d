using System.Text.Json;
using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests;

/// <summary>The admin console as a user runs it: a separate process talking to the silo's gateway.</summary>
[Collection(PipelineCollection.Name)]
public sealed class ConsoleTests(PipelineFixture fixture)
{
    private SiloProcess Silo => fixture.Silo;

    private ToolResult Cli(params string[] args) =>
        Tool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "autobuilder.dll"), .. args, .. Silo.ConsoleArguments],
            timeout: TimeSpan.FromMinutes(1));

    [Fact]
    public async Task Should_list_show_and_report_an_upload_When_asked_by_the_console()
    {
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-console"), fixture.Scratch);
        var done = await Uploads.WaitAsync(Silo, "ab-console", d => d.Summary.State == UploadState.Done, "Done");
        var id = done.Summary.Id;

        var list = Cli("uploads", "list", "--json").Ok();
        var show = Cli("uploads", "show", id).Ok();
        var showJson = Cli("uploads", "show", id, "--json").Ok();
        var builders = Cli("builders", "list", "--json").Ok();
        var status = Cli("status").Ok();
        var queue = Cli("queue", "--json").Ok();

        using (var doc = JsonDocument.Parse(list.Stdout))
            Assert.Contains(doc.RootElement.EnumerateArray(), u => u.GetProperty("id").GetString() == id && u.GetProperty("outcome").GetString() == "published");
        Assert.Contains("Verified", show.Stdout);
        Assert.Contains("published in extras-devel/bookworm, generation", show.Stdout);
        using (var doc = JsonDocument.Parse(showJson.Stdout))
            Assert.True(doc.RootElement.GetProperty("history").GetArrayLength() >= 6);
        using (var doc = JsonDocument.Parse(builders.Stdout))
            Assert.Equal(["localhost/abbuild1", "localhost/abbuild2"], doc.RootElement.EnumerateArray().Select(s => s.GetProperty("slot").GetString()));
        Assert.Contains("Products: bookworm", status.Stdout);
        using (var doc = JsonDocument.Parse(queue.Stdout))
            Assert.True(doc.RootElement.TryGetProperty("waiting", out _));
    }

    [Fact]
    public void Should_say_no_such_upload_and_exit_2_When_the_id_is_unknown()
    {
        var result = Cli("uploads", "show", "bookworm/nothing_1.0/1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no upload 'bookworm/nothing_1.0/1'", result.Stderr);
    }

    [Fact]
    public void Should_refuse_to_retry_an_upload_that_did_not_fail()
    {
        var result = Cli("uploads", "retry", "bookworm/nothing_1.0/1");

        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public void Should_explain_in_one_line_When_no_silo_answers()
    {
        var result = Tool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "autobuilder.dll"), "status", "--gateway", "127.0.0.1:1", "--cert", Silo.ClientCertificate]);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains("cannot reach the autobuilder at 127.0.0.1:1", line);
    }
}
