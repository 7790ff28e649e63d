using System.Security.Cryptography;
using System.Text;

namespace Autobuilder.Silo.Tests.HttpUpload;

/// <summary>The real, unmodified dput (method https) against a real silo, and the refusals, each with its reason.</summary>
[Collection(HttpUploadCollection.Name)]
public sealed class DputHttpsTests(HttpUploadFixture fixture)
{
    [Fact]
    public async Task Should_store_every_file_under_its_name_in_the_accounts_area_When_real_dput_uploads_over_https()
    {
        // Given a source package and a dput.cf for this silo, trusting the autobuilder's CA
        var folder = Directory.CreateDirectory(Path.Combine(fixture.Scratch, "dput-ok")).FullName;
        var changes = new SourcePackage(Name: "hello-http").BuildSourceChanges(folder);

        // When alice uploads with dput, typing her token at its password prompt
        var result = Dput(folder, changes, "alice", fixture.Tokens["alice"]);

        // Then dput succeeded and each file it sent is in her area (or already taken by intake) with the same bytes
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Successfully uploaded", result.Stdout);
        var uploaded = Files(changes).Append(Path.GetFileName(changes)).ToList();
        Assert.Contains(uploaded, n => n.EndsWith(".orig.tar.gz", StringComparison.Ordinal));
        foreach (var name in uploaded)
            await AssertArrivedAsync(name, File.ReadAllBytes(Path.Combine(folder, name)));
        Assert.Empty(Temporaries());
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("revoked")]
    [InlineData("disabled")]
    [InlineData("missing")]
    public async Task Should_refuse_with_401_and_a_challenge_and_store_nothing_When_the_credentials_are(string which)
    {
        var name = $"refused-{which}_1.0.orig.tar.gz";
        var headers = which switch
        {
            "wrong" => RawHttps.Basic("alice", fixture.Tokens["alice"] + "x"),
            "revoked" => RawHttps.Basic("bob", fixture.Tokens["bob"]),
            "disabled" => RawHttps.Basic("carol", fixture.Tokens["carol"]),
            _ => [],
        };

        var response = await RawHttps.SendAsync(fixture.Port, $"PUT /upload/bookworm/{name} HTTP/1.1", headers, Encoding.UTF8.GetBytes("data"), fixture.CaFile);

        Assert.Equal(401, response.Status);
        Assert.StartsWith("Basic realm=", response.Header("WWW-Authenticate"));
        Assert.Contains(which == "missing" ? "authentication needed" : "login or token not accepted", response.Body);
        Assert.Empty(Directory.EnumerateFiles(fixture.Silo.DataRoot, name, SearchOption.AllDirectories));
        // The token never reaches the log.
        Assert.DoesNotContain(fixture.Tokens["alice"], fixture.Silo.Output);
    }

    [Fact]
    public async Task Should_answer_429_without_asking_the_directory_When_one_address_guesses_a_logins_token_too_often()
    {
        // mallory guesses tokens for the login "guessed" (default limit: 20 failures a minute)
        var answers = new List<int>();
        for (var i = 0; i < 21; i++)
        {
            var r = await RawHttps.SendAsync(fixture.Port, "PUT /upload/bookworm/guess_1.0.dsc HTTP/1.1",
                RawHttps.Basic("guessed", $"abt.guess{i}.x"), Encoding.UTF8.GetBytes("x"), fixture.CaFile);
            answers.Add(r.Status);
        }
        var last = await RawHttps.SendAsync(fixture.Port, "PUT /upload/bookworm/guess_1.0.dsc HTTP/1.1",
            RawHttps.Basic("guessed", "abt.guess.x"), Encoding.UTF8.GetBytes("x"), fixture.CaFile);

        Assert.All(answers.Take(20), s => Assert.Equal(401, s));
        Assert.Equal(429, answers[20]);
        Assert.Equal(429, last.Status);
        Assert.Contains("too many failed logins for 'guessed'", last.Body);
        Assert.NotEmpty(last.Header("Retry-After"));
        // Other logins from the same address are not held up.
        var alice = await RawHttps.SendAsync(fixture.Port, "PUT /upload/bookworm/notguessed_1.0.orig.tar.gz HTTP/1.1",
            RawHttps.Basic("alice", fixture.Tokens["alice"]), Encoding.UTF8.GetBytes("x"), fixture.CaFile);
        Assert.Equal(201, alice.Status);
    }

    [Fact]
    public void Should_fail_with_dputs_unauthorized_message_When_dput_is_given_a_revoked_token()
    {
        var folder = Directory.CreateDirectory(Path.Combine(fixture.Scratch, "dput-revoked")).FullName;
        var changes = new SourcePackage(Name: "hello-revoked").BuildSourceChanges(folder);

        var result = Dput(folder, changes, "bob", fixture.Tokens["bob"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Upload failed as unauthorized", result.Stdout);
        Assert.False(Directory.Exists(fixture.Area("bob")) && Directory.EnumerateFileSystemEntries(fixture.Area("bob")).Any());
    }

    [Theory]
    [InlineData("/upload/bookworm/../../../escape.dsc", "relative path segments are refused")]
    [InlineData("/upload/bookworm/%2e%2e%2f%2e%2e%2fescape.dsc", "path separator")]
    [InlineData("/upload/bookworm/%2E%2E/escape.dsc", "relative path segments are refused")]
    [InlineData("/upload/bookworm/..%2fescape.dsc", "path separator")]
    [InlineData("/upload/bookworm/sub%2fescape.dsc", "path separator")]
    [InlineData("/upload/bookworm/sub%5cescape.dsc", "path separator")]
    [InlineData("/upload/bookworm/sub/escape.dsc", "folders inside a product are refused")]
    [InlineData("/upload/../upload/bookworm/escape.dsc", "relative path segments are refused")]
    [InlineData("/upload/bookworm/.escape.dsc", "hidden files are not taken")]
    [InlineData("/upload/bookworm/-escape.dsc", "starts with '-'")]
    [InlineData("/upload/bookworm/esc%01ape.dsc", "control character")]
    [InlineData("/upload/nosuchproduct/escape.dsc", "no product 'nosuchproduct'")]
    [InlineData("/upload/bookworm/esc%00ape.dsc", "")]
    public async Task Should_refuse_with_the_reason_and_write_nothing_When_the_path_is_not_a_plain_name(string target, string reason)
    {
        var response = await RawHttps.SendAsync(fixture.Port, $"PUT {target} HTTP/1.1", RawHttps.Basic("alice", fixture.Tokens["alice"]),
            Encoding.UTF8.GetBytes("Format: 3.0 (quilt)\n"), fixture.CaFile);

        Assert.True(response.Status is 400 or 404, response.ToString());
        // Kestrel itself refuses a few targets (an encoded NUL) with an empty 400 before we see them.
        if (reason.Length > 0)
            Assert.Contains(reason, response.Body);
        Assert.Empty(Directory.EnumerateFiles(fixture.Silo.DataRoot, "*escape*", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(fixture.Silo.DataRoot)!, "escape.dsc", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Should_refuse_with_413_and_keep_nothing_When_a_file_is_larger_than_intake_takes()
    {
        var size = (int)HttpUploadFixture.MaxFileBytes + 1;

        var response = await RawHttps.SendAsync(fixture.Port, "PUT /upload/bookworm/big_1.0.orig.tar.gz HTTP/1.1",
            RawHttps.Basic("alice", fixture.Tokens["alice"]), new byte[size], fixture.CaFile);

        Assert.Equal(413, response.Status);
        Assert.Contains("Autobuilder:Intake:MaxFileBytes", response.Body);
        Assert.False(File.Exists(Path.Combine(fixture.Area(), "big_1.0.orig.tar.gz")));
        Assert.Empty(Temporaries());
    }

    [Fact]
    public async Task Should_refuse_with_413_When_a_chunked_body_grows_past_the_limit()
    {
        // No Content-Length to check up front: the limit holds while the body streams.
        var chunk = new byte[1 << 20];
        var body = new MemoryStream();
        for (var i = 0; i < 5; i++)
        {
            body.Write(Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n"));
            body.Write(chunk);
            body.Write("\r\n"u8);
        }
        body.Write("0\r\n\r\n"u8);
        var headers = RawHttps.Basic("alice", fixture.Tokens["alice"]);
        headers["Transfer-Encoding"] = "chunked";

        var response = await RawHttps.SendAsync(fixture.Port, "PUT /upload/bookworm/chunked_1.0.orig.tar.gz HTTP/1.1", headers, body.ToArray(), fixture.CaFile);

        Assert.Equal(413, response.Status);
        Assert.False(File.Exists(Path.Combine(fixture.Area(), "chunked_1.0.orig.tar.gz")));
        await WaitUntilAsync(() => Temporaries().Length == 0, "the temporary file of the refused transfer is removed");
    }

    [Fact]
    public async Task Should_answer_no_http_and_store_nothing_When_plain_http_reaches_the_tls_port()
    {
        var response = await RawHttps.SendAsync(fixture.Port, "PUT /upload/bookworm/plain_1.0.dsc HTTP/1.1",
            RawHttps.Basic("alice", fixture.Tokens["alice"]), Encoding.UTF8.GetBytes("x"), fixture.CaFile, tls: false);

        Assert.NotInRange(response.Status, 200, 299);
        Assert.False(File.Exists(Path.Combine(fixture.Area(), "plain_1.0.dsc")));
    }

    [Fact]
    public async Task Should_refuse_a_foreign_host_name_When_a_request_names_one()
    {
        var headers = RawHttps.Basic("alice", fixture.Tokens["alice"]);
        headers["Host"] = "attacker.example";

        var response = await RawHttps.SendAsync(fixture.Port, "PUT /upload/bookworm/host_1.0.dsc HTTP/1.1", headers, Encoding.UTF8.GetBytes("x"), fixture.CaFile);

        Assert.Equal(400, response.Status);
        Assert.False(File.Exists(Path.Combine(fixture.Area(), "host_1.0.dsc")));
    }

    [Fact]
    public async Task Should_set_aside_files_no_upload_took_and_delete_stale_temporary_files_When_they_expire()
    {
        // Given a lone orig tarball (its .dsc never came) and the temporary file of a transfer a killed silo left
        var response = await RawHttps.SendAsync(fixture.Port, "PUT /upload/bookworm/lonely_1.0.orig.tar.gz HTTP/1.1",
            RawHttps.Basic("alice", fixture.Tokens["alice"]), Encoding.UTF8.GetBytes("orphan"), fixture.CaFile);
        Assert.Equal(201, response.Status);
        var lonely = Path.Combine(fixture.Area(), "lonely_1.0.orig.tar.gz");
        var temporary = Path.Combine(fixture.Area(), ".ab-put-0123456789abcdef.part");
        File.WriteAllText(temporary, "half");
        // When they are older than ExpireSeconds (8 s here)
        File.SetLastWriteTimeUtc(lonely, DateTime.UtcNow.AddMinutes(-1));
        File.SetLastWriteTimeUtc(temporary, DateTime.UtcNow.AddMinutes(-1));

        // Then the sweep moves the file aside with its reason and deletes the temporary file
        var stray = Path.Combine(fixture.Silo.DataRoot, "stray", "http", "alice", "bookworm");
        await WaitUntilAsync(() => !File.Exists(lonely) && !File.Exists(temporary), "the expired files leave the area");
        var aside = Directory.GetFiles(stray, "lonely_1.0.orig.tar.gz", SearchOption.AllDirectories).Single();
        Assert.Equal("orphan", File.ReadAllText(aside));
        Assert.Contains("no complete upload took it", File.ReadAllText(Path.Combine(Path.GetDirectoryName(aside)!, "REASON.txt")));
        Assert.Empty(Directory.GetFiles(stray, ".ab-put-*", SearchOption.AllDirectories));
    }

    /// <summary>Runs the real dput with a dput.cf of its own, typing <paramref name="token"/> at its password prompt (no terminal: getpass reads stdin).</summary>
    private ToolResult Dput(string folder, string changes, string login, string token)
    {
        var config = Path.Combine(folder, "dput.cf");
        File.WriteAllText(config, $"""
            [autobuilder]
            fqdn = localhost:{fixture.Port}
            method = https
            incoming = /upload/bookworm
            login = {login}
            allow_unsigned_uploads = 1

            """);
        // setsid: no controlling terminal, so getpass falls back to stdin.
        return Tool.Run("setsid", ["-w", "dput", "-c", config, "autobuilder", changes], workingDirectory: folder,
            environment: new Dictionary<string, string> { ["SSL_CERT_FILE"] = fixture.CaFile }, stdin: token + "\n", timeout: TimeSpan.FromMinutes(2));
    }

    private string[] Temporaries() => Directory.Exists(fixture.Area()) ? Directory.GetFiles(fixture.Area(), ".ab-put-*") : [];

    private static IEnumerable<string> Files(string changes) =>
        File.ReadAllLines(changes).SkipWhile(l => l != "Files:").Skip(1).TakeWhile(l => l.StartsWith(' ')).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]);

    /// <summary>In alice's area with the same bytes, or already copied by intake into uploads/ (when intake scans the HTTP areas).</summary>
    private async Task AssertArrivedAsync(string name, byte[] expected)
    {
        var hash = SHA256.HashData(expected);
        var area = Path.Combine(fixture.Area(), name);
        var found = File.Exists(area) ? [area] : Directory.GetFiles(Path.Combine(fixture.Silo.DataRoot, "uploads"), name, SearchOption.AllDirectories);
        Assert.True(found.Length > 0, $"{name} is neither in alice's area nor taken by intake\n{fixture.Silo.Output}");
        Assert.Contains(found, f => SHA256.HashData(File.ReadAllBytes(f)).SequenceEqual(hash));
        await Task.CompletedTask;
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not within 30 s: {what}");
            await Task.Delay(200);
        }
    }
}
