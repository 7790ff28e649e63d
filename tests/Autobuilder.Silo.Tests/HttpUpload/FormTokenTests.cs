using Autobuilder.Silo.HttpUpload;

namespace Autobuilder.Silo.Tests.HttpUpload;

public sealed class FormTokenTests
{
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Should_accept_a_token_only_for_its_login_and_only_until_it_expires_When_checked()
    {
        var clock = new Clock(DateTimeOffset.Parse("2026-12-02T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var tokens = new FormToken(clock);
        var token = tokens.Issue("alice");

        Assert.Null(tokens.Problem("alice", token));
        Assert.Contains("not issued to 'bob'", tokens.Problem("bob", token));
        Assert.Contains("missing", tokens.Problem("alice", null));
        Assert.Contains("damaged", tokens.Problem("alice", "x"));
        Assert.Contains("not issued", new FormToken(clock).Problem("alice", token));
        clock.Now += FormToken.Lifetime + TimeSpan.FromSeconds(1);
        Assert.Contains("expired", tokens.Problem("alice", token));
    }
}
