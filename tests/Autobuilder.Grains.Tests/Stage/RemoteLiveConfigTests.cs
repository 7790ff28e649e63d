using Autobuilder.Grains.Options;
using Autobuilder.Grains.Stage;
using Autobuilder.Grains.Stage.LiveTree;

namespace Autobuilder.Grains.Tests.Stage;

/// <summary>
/// LiveRemote values end up in an ssh configuration file, rsync arguments and quoted remote
/// commands: anything that could be read as syntax there is refused at start, naming the setting.
/// </summary>
public sealed class RemoteLiveConfigTests
{
    private const string Fingerprint = "SHA256:TqhMIWh2sY+IkZafth/4HLR3b+CT8BCoxGCzbtnCl6c";
    private const string Ed25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGakhNGGIhIqsieqJQBBoAllyKaJxHEsoctq1JkKYSo1";

    private static RemoteLiveOptions Valid() => new()
    {
        Host = "archive.example.org",
        User = "archive",
        KeyFile = "/etc/autobuilder/live_ed25519",
        HostKeySha256 = Fingerprint,
        Path = "/srv/archive/extras-devel/",
    };

    [Fact]
    public void Should_keep_the_values_and_drop_the_trailing_slash_When_everything_is_plain()
    {
        // Act
        var config = RemoteLiveConfig.From(Valid(), "extras-devel");

        // Assert
        Assert.Equal("archive@archive.example.org:22:/srv/archive/extras-devel", config.ToString());
        Assert.Equal("TqhMIWh2sY+IkZafth/4HLR3b+CT8BCoxGCzbtnCl6c", config.HostKeySha256);
        Assert.Null(config.HostKeyBlob);
    }

    [Theory]
    [InlineData("[127.0.0.1]:2222 " + Ed25519)]
    [InlineData(Ed25519 + " root@live")]
    [InlineData("live.example.org,10.0.0.5 " + Ed25519)]
    public void Should_take_the_key_type_and_blob_When_the_pin_is_a_known_hosts_or_pub_line(string line)
    {
        // Arrange
        var options = Valid();
        options.HostKeySha256 = null;
        options.HostKey = line;

        // Act
        var config = RemoteLiveConfig.From(options, "extras-devel");

        // Assert
        Assert.Equal("ssh-ed25519", config.HostKeyType);
        Assert.Equal(Ed25519.Split(' ')[1], config.HostKeyBlob);
    }

    public static TheoryData<Action<RemoteLiveOptions>, string> Refused => new()
    {
        { o => o.Host = "-oProxyCommand=evil", "LiveRemote.Host" },
        { o => o.Host = "host name", "LiveRemote.Host" },
        { o => o.User = "arch ive", "LiveRemote.User" },
        { o => o.KeyFile = "/keys/\"quoted\"", "LiveRemote.KeyFile" },
        { o => o.KeyFile = "/keys/%d/key", "LiveRemote.KeyFile" },
        { o => o.Path = "srv/archive", "LiveRemote.Path" },
        { o => o.Path = "/", "LiveRemote.Path" },
        { o => o.Path = "/srv/*/archive", "LiveRemote.Path" },
        { o => o.Path = "/srv/arch ive", "LiveRemote.Path" },
        { o => o.Path = "/srv/../etc", "LiveRemote.Path" },
        { o => o.Port = 0, "LiveRemote.Port" },
        { o => o.HostKey = Ed25519, "exactly one of HostKey" },
        { o => o.HostKeySha256 = null, "exactly one of HostKey" },
        { o => o.HostKeySha256 = "MD5:aa:bb", "LiveRemote.HostKeySha256" },
        { o => { o.HostKeySha256 = null; o.HostKey = "@cert-authority * " + Ed25519; }, "LiveRemote.HostKey" },
        { o => { o.HostKeySha256 = null; o.HostKey = "ssh-ed25519 not-base64!"; }, "LiveRemote.HostKey" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Should_refuse_naming_the_setting_When_a_value_could_be_read_as_syntax_or_pins_nothing(Action<RemoteLiveOptions> change, string named)
    {
        // Arrange
        var options = Valid();
        change(options);

        // Act
        var error = Assert.Throws<ArgumentException>(() => RemoteLiveConfig.From(options, "extras-devel"));

        // Assert
        Assert.Contains("repository extras-devel", error.Message);
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void Should_refuse_the_repository_When_a_product_has_a_wildcard_and_a_remote_is_configured()
    {
        // Arrange
        var options = new AutobuilderOptions { Products = ["book*"] };
        options.Stage.Repositories.Add(new RepositoryOptions { Name = "extras-devel", LiveRemote = Valid() });

        // Act
        var error = Assert.Throws<ArgumentException>(() => new StageConfiguration(options));

        // Assert
        Assert.Contains("product 'book*' cannot be synced to LiveRemote", error.Message);
    }
}
