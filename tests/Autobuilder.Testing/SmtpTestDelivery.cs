using MimeKit;

namespace Autobuilder.Testing;

/// <summary>One message as an <see cref="SmtpTestServer"/> received it: the SMTP envelope and the parsed content.</summary>
public sealed record SmtpTestDelivery(string EnvelopeFrom, IReadOnlyList<string> EnvelopeTo, MimeMessage Message);
