using Autobuilder.Silo.HttpUpload;

namespace Autobuilder.Silo.Tests.HttpUpload;

public sealed class LoginThrottleTests
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch.AddDays(20000);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Should_block_only_that_address_and_login_until_a_minute_after_the_oldest_failure_When_it_failed_too_often()
    {
        var clock = new Clock();
        var throttle = new LoginThrottle(clock, maxFailures: 3);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(throttle.Blocked("192.0.2.1", "alice"));
            throttle.Failed("192.0.2.1", "alice");
            clock.Now += TimeSpan.FromSeconds(10);
        }

        Assert.Equal(TimeSpan.FromSeconds(30), throttle.Blocked("192.0.2.1", "alice"));
        Assert.Null(throttle.Blocked("192.0.2.2", "alice"));
        Assert.Null(throttle.Blocked("192.0.2.1", "bob"));
        clock.Now += TimeSpan.FromSeconds(30);
        Assert.Null(throttle.Blocked("192.0.2.1", "alice"));
    }

    [Fact]
    public void Should_never_block_When_the_limit_is_zero()
    {
        var throttle = new LoginThrottle(new Clock(), maxFailures: 0);
        for (var i = 0; i < 100; i++)
            throttle.Failed("192.0.2.1", "alice");

        Assert.Null(throttle.Blocked("192.0.2.1", "alice"));
    }
}
