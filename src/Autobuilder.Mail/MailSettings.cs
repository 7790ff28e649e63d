namespace Autobuilder.Mail;

/// <summary>Mail configuration, bound from the <c>Mail</c> configuration section.</summary>
public sealed class MailSettings
{
    public const string SectionName = "Mail";

    public const string DefaultFrom = "Autobuilder <autobuilder@localhost>";

    /// <summary>SMTP server; null or empty means there is none and mails go to <see cref="OutboxDirectory"/>.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    public MailSecurity Security { get; set; } = MailSecurity.Auto;

    /// <summary>SMTP user; null or empty means no AUTH is attempted.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>Sender used when a message names none.</summary>
    public string From { get; set; } = DefaultFrom;

    /// <summary>Address of the builds list that hears about every result; null means there is no list.</summary>
    public string? BuildsList { get; set; }

    /// <summary>Folder for .eml files when there is no SMTP server; relative paths are resolved against the current directory.</summary>
    public string OutboxDirectory { get; set; } = Path.Combine("var", "mail", "outbox");

    /// <summary>Limit for one whole SMTP exchange (connect, auth, send, quit), so a silent server cannot hang a build's report.</summary>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>True when an SMTP server is configured.</summary>
    public bool UsesSmtp => !string.IsNullOrWhiteSpace(Host);

    /// <summary>
    /// Throws one <see cref="InvalidOperationException"/> listing every problem, so a bad configuration
    /// fails at startup with all its mistakes rather than at the first build report, one at a time.
    /// </summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (Port is < 1 or > 65535)
        {
            problems.Add($"Port {Port} is not between 1 and 65535");
        }

        if (TimeoutSeconds < 1)
        {
            problems.Add($"TimeoutSeconds {TimeoutSeconds} must be at least 1");
        }

        if (!Enum.IsDefined(Security))
        {
            problems.Add($"Security '{Security}' is not one of {string.Join(", ", Enum.GetNames<MailSecurity>())}");
        }

        CheckAddress(From, nameof(From), problems);
        if (!string.IsNullOrWhiteSpace(BuildsList))
        {
            CheckAddress(BuildsList, nameof(BuildsList), problems);
        }

        if (!UsesSmtp && string.IsNullOrWhiteSpace(OutboxDirectory))
        {
            problems.Add("OutboxDirectory is required when no Host is configured");
        }

        if (!string.IsNullOrEmpty(Password) && string.IsNullOrEmpty(UserName))
        {
            problems.Add("Password is set but UserName is not");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"Invalid {SectionName} settings: {string.Join("; ", problems)}.");
        }
    }

    private static void CheckAddress(string? address, string name, List<string> problems)
    {
        try
        {
            MimeMessageFactory.ParseAddress(address ?? string.Empty, name);
        }
        catch (MailSendException e)
        {
            problems.Add(e.Message.TrimEnd('.'));
        }
    }
}
