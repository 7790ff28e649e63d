using System.Net.Sockets;
using System.Text;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Stage;
using Autobuilder.Silo.BuildSources;
using Autobuilder.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Tests.BuildSources;

/// <summary>
/// The live-tree server chroot builds fetch our repositories from: it serves what apt asks for in
/// a live tree and nothing else — the attacks a request line can carry (traversal, encoded
/// slashes, hidden names, links out of the tree, other methods, an endless head) are refused.
/// Requests go over a raw socket, so the server sees exactly the bytes of the attack.
/// </summary>
public sealed class LiveTreeServerTests : IAsyncLifetime
{
    private readonly TempDir _dir = new("ab-livetree-");
    private LiveTreeServer _server = null!;
    private int _port;

    public Task InitializeAsync()
    {
        var options = new AutobuilderOptions { DataRoot = _dir["var"], Products = ["bookworm"], Architectures = ["amd64"] };
        options.BuildSources.ServePort = 0;
        var stage = new StageConfiguration(options);
        var live = stage.Find("extras-devel")!.LivePath;
        Write(Path.Combine(live, "dists", ".bookworm", "1", "InRelease"), "signed release\n");
        Directory.CreateSymbolicLink(Path.Combine(live, "dists", "bookworm"), ".bookworm/1");
        Write(Path.Combine(live, "pool", "main", "a", "ab-x", "ab-x_1.0-1+b1~rc_amd64.deb"), "a deb");
        Write(Path.Combine(_dir["var"], "state", "secret.json"), "grain state");
        // Links an attacker would love: out of the tree, to the data root's secrets.
        File.CreateSymbolicLink(Path.Combine(live, "pool", "main", "a", "ab-x", "passwd.deb"), "/etc/passwd");
        Directory.CreateSymbolicLink(Path.Combine(live, "pool", "state"), Path.Combine(_dir["var"], "state"));
        _server = new LiveTreeServer(stage, Options.Create(options), NullLogger<LiveTreeServer>.Instance);
        _server.Start();
        _port = new Uri(_server.BaseUrl!).Port;
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Should_serve_a_file_of_a_live_tree_through_its_dists_link_When_apt_asks_for_it()
    {
        // Act
        var release = await RequestAsync("GET /extras-devel/dists/bookworm/InRelease HTTP/1.1\r\nHost: x\r\n\r\n");
        var deb = await RequestAsync("GET /extras-devel/pool/main/a/ab-x/ab-x_1.0-1%2bb1%7erc_amd64.deb HTTP/1.1\r\nHost: x\r\n\r\n");
        var head = await RequestAsync("HEAD /extras-devel/dists/bookworm/InRelease HTTP/1.1\r\nHost: x\r\n\r\n");

        // Assert
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", release);
        Assert.EndsWith("\r\n\r\nsigned release\n", release);
        Assert.Contains("Content-Length: 15\r\n", release);
        Assert.EndsWith("\r\n\r\na deb", deb);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head);
        Assert.EndsWith("\r\n\r\n", head);
    }

    [Theory]
    [InlineData("/extras-devel/../state/secret.json")]
    [InlineData("/extras-devel/%2e%2e/%2e%2e/state/secret.json")]
    [InlineData("/extras-devel/pool%2f..%2f..%2f..%2fstate/secret.json")]
    [InlineData("/extras-devel/dists/.bookworm/1/InRelease")]
    [InlineData("/extras-devel/pool/main/a/ab-x/passwd.deb")]
    [InlineData("/extras-devel/pool/state/secret.json")]
    [InlineData("/extras-devel//dists/bookworm/InRelease")]
    [InlineData("/../../etc/passwd")]
    [InlineData("/no-such-repository/dists/bookworm/InRelease")]
    [InlineData("/extras-devel/dists/bookworm")]
    [InlineData("/extras-devel/dists/bookworm/InRelease?x=1")]
    [InlineData("extras-devel/dists/bookworm/InRelease")]
    [InlineData("http://evil.example/extras-devel/dists/bookworm/InRelease")]
    public async Task Should_answer_not_found_When_a_request_reaches_for_anything_but_a_file_of_a_live_tree(string target)
    {
        // Act
        var answer = await RequestAsync($"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n");

        // Assert
        Assert.StartsWith("HTTP/1.1 404 Not Found\r\n", answer);
        Assert.DoesNotContain("root:", answer);
        Assert.DoesNotContain("grain state", answer);
    }

    [Theory]
    [InlineData("PUT /extras-devel/dists/bookworm/InRelease HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "405 Method Not Allowed")]
    [InlineData("DELETE /extras-devel/dists/bookworm/InRelease HTTP/1.1\r\n\r\n", "405 Method Not Allowed")]
    [InlineData("GET /extras-devel/dists/bookworm/InRelease\r\n\r\n", "400 Bad Request")]
    [InlineData("GET /extras-devel/dists/bookworm/InRelease SPDY/3\r\n\r\n", "400 Bad Request")]
    public async Task Should_refuse_When_the_request_is_not_a_GET_or_HEAD_of_HTTP_1(string request, string status)
    {
        // Act
        var answer = await RequestAsync(request);

        // Assert
        Assert.StartsWith($"HTTP/1.1 {status}\r\n", answer);
    }

    [Fact]
    public async Task Should_refuse_without_reading_on_When_the_request_head_is_longer_than_8_KiB()
    {
        // Act: 9 KiB of header and no blank line.
        var answer = await RequestAsync("GET /extras-devel/dists/bookworm/InRelease HTTP/1.1\r\nX-Junk: " + new string('a', 9000));

        // Assert
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", answer);
    }

    private async Task<string> RequestAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", _port);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        }
        catch (IOException)
        {
            // The server may close before it read everything (the endless head).
        }
        using var reader = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await stream.CopyToAsync(reader, timeout.Token);
        }
        catch (IOException)
        {
        }
        return Encoding.ASCII.GetString(reader.ToArray());
    }

    private static void Write(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }
}
