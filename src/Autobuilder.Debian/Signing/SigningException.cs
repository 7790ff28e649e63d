namespace Autobuilder.Debian.Signing;

/// <summary>gpg or gpgv could not be run, or failed to sign; the message carries the tool's own error text.</summary>
public sealed class SigningException : Exception
{
    public SigningException(string message) : base(message) { }
    public SigningException(string message, Exception inner) : base(message, inner) { }
}
