using Autobuilder.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Autobuilder.Mail.Tests;

public class MailSenderFactoryTests
{
    [Fact]
    public void Should_create_outbox_sender_When_host_is_empty()
    {
        // Arrange
        using var dir = new TempDir();
        var settings = new MailSettings { Host = " ", OutboxDirectory = dir.Path };

        // Act
        var sender = MailSenderFactory.Create(settings);

        // Assert
        Assert.Equal(dir.Path, Assert.IsType<OutboxMailSender>(sender).Directory);
    }

    [Fact]
    public void Should_create_smtp_sender_When_host_is_set()
    {
        // Arrange
        var settings = new MailSettings { Host = "smtp.example.org", Port = 587 };

        // Act
        var sender = MailSenderFactory.Create(settings);

        // Assert
        Assert.Equal("smtp.example.org:587", Assert.IsType<SmtpMailSender>(sender).Server);
    }

    [Fact]
    public void Should_list_every_problem_When_settings_are_invalid()
    {
        // Arrange
        var settings = new MailSettings { Host = "smtp.example.org", Port = 0, From = "not an address", TimeoutSeconds = 0 };

        // Act
        var error = Assert.Throws<InvalidOperationException>(() => MailSenderFactory.Create(settings));

        // Assert
        Assert.Contains("Port 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("TimeoutSeconds 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("From address 'not an address'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_bind_mail_section_and_register_smtp_sender_When_configured()
    {
        // Arrange
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Mail:Host"] = "smtp.example.org",
                ["Mail:Port"] = "465",
                ["Mail:Security"] = "SslOnConnect",
                ["Mail:UserName"] = "buildd",
                ["Mail:Password"] = "s3cret",
                ["Mail:From"] = "Buildd <buildd@example.org>",
                ["Mail:BuildsList"] = "builds@lists.example.org",
                ["Mail:TimeoutSeconds"] = "7",
            })
            .Build();
        using var provider = new ServiceCollection().AddAutobuilderMail(configuration).BuildServiceProvider();

        // Act
        var settings = provider.GetRequiredService<IOptions<MailSettings>>().Value;
        var sender = provider.GetRequiredService<IMailSender>();

        // Assert
        Assert.Equal(465, settings.Port);
        Assert.Equal(MailSecurity.SslOnConnect, settings.Security);
        Assert.Equal("buildd", settings.UserName);
        Assert.Equal("Buildd <buildd@example.org>", settings.From);
        Assert.Equal("builds@lists.example.org", settings.BuildsList);
        Assert.Equal(7, settings.TimeoutSeconds);
        Assert.Equal("smtp.example.org:465", Assert.IsType<SmtpMailSender>(sender).Server);
        Assert.Same(sender, provider.GetRequiredService<IMailSender>());
    }

    [Fact]
    public void Should_register_outbox_sender_with_defaults_When_mail_section_is_missing()
    {
        // Arrange
        var configuration = new ConfigurationBuilder().Build();
        using var provider = new ServiceCollection().AddAutobuilderMail(configuration).BuildServiceProvider();

        // Act
        var sender = provider.GetRequiredService<IMailSender>();

        // Assert
        var outbox = Assert.IsType<OutboxMailSender>(sender);
        Assert.Equal(Path.GetFullPath(Path.Combine("var", "mail", "outbox")), outbox.Directory);
        Assert.Equal(MailSettings.DefaultFrom, provider.GetRequiredService<IOptions<MailSettings>>().Value.From);
    }
}
