namespace Autobuilder.Mail.Tests;

/// <summary>A clock that never moves, so tests can force several mails into the same instant.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
