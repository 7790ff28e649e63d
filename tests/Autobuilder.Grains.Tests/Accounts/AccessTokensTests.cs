using Autobuilder.Grains.Accounts;

namespace Autobuilder.Grains.Tests.Accounts;

public sealed class AccessTokensTests
{
    [Fact]
    public void Should_make_tokens_of_the_documented_shape_that_match_only_their_own_hash()
    {
        var (id, token, hash) = AccessTokens.Create(_ => false);
        var (_, other, _) = AccessTokens.Create(_ => false);

        Assert.Matches("^abt\\.[0-9a-f]{8}\\.[A-Za-z0-9_-]{43}$", token);
        Assert.Equal(id, AccessTokens.IdOf(token));
        Assert.True(AccessTokens.Matches(token, hash));
        Assert.False(AccessTokens.Matches(other, hash));
        Assert.False(AccessTokens.Matches(token[..^1] + (token[^1] == 'A' ? 'B' : 'A'), hash));
        Assert.DoesNotContain(token, hash);
        Assert.Null(AccessTokens.IdOf("abt.zzzzzzzz." + new string('a', 43)));
        Assert.Null(AccessTokens.IdOf("password"));
    }
}
