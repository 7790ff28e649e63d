using Autobuilder.Acceptance;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Uploads.Checks;
using Microsoft.Extensions.Configuration;

namespace Autobuilder.Silo.Tests.Uploaders;

/// <summary>The shipped configurations' uploader settings: the cluster's garage requires signatures and rights; only the quick start takes unsigned uploads, and says so.</summary>
public sealed class ShippedUploaderConfigTests
{
    private static AutobuilderOptions Load(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Autobuilder.sln")))
            dir = dir.Parent;
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(dir!.FullName, "silo-config", name + ".json"), optional: false).Build();
        return configuration.GetSection("Autobuilder").Get<AutobuilderOptions>()!;
    }

    [Fact]
    public void Should_require_signatures_and_rights_When_the_garage_file_is_read()
    {
        var options = Load("garage");

        Assert.Equal(SignaturePolicy.Required, SignaturePolicies.For(options.Uploaders, options.Repository));
        Assert.True(options.Uploaders.RequireRights);
        Assert.False(options.Uploaders.QuickStartAccount);
        Assert.Empty(UploaderWarnings.Of(options));
    }

    [Fact]
    public void Should_take_unsigned_uploads_and_warn_When_the_quick_start_file_is_read()
    {
        var options = Load("all");

        Assert.Equal(SignaturePolicy.None, SignaturePolicies.For(options.Uploaders, options.Repository));
        Assert.True(options.Uploaders.QuickStartAccount);
        Assert.Contains(UploaderWarnings.Of(options), w => w.StartsWith("OpenPGP policy 'none' for extras-devel", StringComparison.Ordinal));
        // The embedded default is the quick start's too.
        Assert.Equal(SignaturePolicy.None, SignaturePolicies.For(new UploadersOptions(), "extras-devel"));
    }
}
