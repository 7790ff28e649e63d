using Autobuilder.Grains;
using Autobuilder.Silo.Web;

namespace Autobuilder.Silo.Tests.Web;

/// <summary>The uploads list's filters: each narrows by what it names and nothing else.</summary>
public sealed class UploadFilterTests
{
    private static readonly UploadSummary Jane = new("bookworm/hello_1.0-1/1", "bookworm", "hello", "1.0-1", UploadState.Done, UploadState.Published,
        DateTimeOffset.Parse("2026-12-02T10:00Z"), DateTimeOffset.Parse("2026-12-02T10:05Z"), "published", true, Account: "jane");

    public static TheoryData<UploadFilter, bool> Filters => new()
    {
        { new UploadFilter(null, null, null, null, Uploader: "jane"), true },
        { new UploadFilter(null, null, null, null, Uploader: "bob"), false },
        { new UploadFilter(null, null, null, null, Since: DateTimeOffset.Parse("2026-12-01Z")), true },
        { new UploadFilter(null, null, null, null, Since: DateTimeOffset.Parse("2026-12-02T10:00:01Z")), false },
        { new UploadFilter("published", null, null, null), true },
        { new UploadFilter(null, null, "other", null), false },
        { new UploadFilter(null, null, null, "HELLO_1.0"), true },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public void Should_match_only_what_the_filter_names_When_a_filter_is_given(UploadFilter filter, bool matches) =>
        Assert.Equal(matches, filter.Matches(Jane));
}
