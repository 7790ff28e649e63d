using Autobuilder.Silo.HttpUpload;

namespace Autobuilder.Silo.Tests.HttpUpload;

/// <summary>How a request target as sent maps to the form, a product's file, or a refusal.</summary>
public sealed class UploadTargetTests
{
    [Theory]
    [InlineData("/upload/bookworm/hello_1.0.dsc", "bookworm", "hello_1.0.dsc")]
    [InlineData("/upload/bookworm/hello_1.0%2B1.dsc", "bookworm", "hello_1.0+1.dsc")]
    [InlineData("/upload/bookworm/hello_1.0+1.dsc", "bookworm", "hello_1.0+1.dsc")]
    [InlineData("/upload/bookworm/hello%7E1.dsc", "bookworm", "hello~1.dsc")]
    public void Should_map_to_the_product_and_file_When_dput_puts_under_the_incoming_path(string target, string product, string name)
    {
        var parsed = UploadTarget.Parse(target, "/upload");

        Assert.Equal(new UploadTarget.File(product, name), parsed);
    }

    [Theory]
    [InlineData("/upload")]
    [InlineData("/upload/")]
    public void Should_be_the_form_When_the_prefix_alone_is_asked_for(string target)
    {
        Assert.IsType<UploadTarget.Form>(UploadTarget.Parse(target, "/upload"));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/uploads/bookworm/x.dsc")]
    [InlineData("/other")]
    public void Should_be_unknown_When_the_target_is_not_under_the_prefix(string target)
    {
        Assert.IsType<UploadTarget.Unknown>(UploadTarget.Parse(target, "/upload"));
    }

    [Theory]
    [InlineData("/upload/bookworm/../x.dsc")]
    [InlineData("/upload/bookworm/%2e%2e/x.dsc")]
    [InlineData("/upload/bookworm/%2E%2e%2Fx.dsc")]
    [InlineData("/upload/bookworm/.%2e/x.dsc")]
    [InlineData("/upload/./bookworm/x.dsc")]
    [InlineData("/upload/bookworm/a%2fb.dsc")]
    [InlineData("/upload/bookworm/a%5Cb.dsc")]
    [InlineData("/upload/bookworm/a\\b.dsc")]
    [InlineData("/upload/bookworm/a%0ab.dsc")]
    [InlineData("/upload/bookworm/a%zzb.dsc")]
    [InlineData("/upload/bookworm/a%ffb.dsc")]
    [InlineData("/upload/bookworm/x.dsc?x=1")]
    [InlineData("/upload/bookworm/sub/x.dsc")]
    [InlineData("/upload//x.dsc")]
    [InlineData("http://host/upload/bookworm/x.dsc")]
    public void Should_refuse_with_a_reason_When_the_target_is_not_a_plain_product_and_name(string target)
    {
        var parsed = UploadTarget.Parse(target, "/upload");

        var refused = Assert.IsType<UploadTarget.Refused>(parsed);
        Assert.NotEmpty(refused.Reason);
    }

    [Theory]
    [InlineData(".hidden.dsc", "hidden")]
    [InlineData("-n.dsc", "'-'")]
    [InlineData("a..b.dsc", "'..'")]
    public void Should_refuse_names_intake_would_not_take_When_they_are_put(string name, string reason)
    {
        Assert.Contains(reason, HttpUploadEndpoint.UploadNameProblem(name));
    }
}
