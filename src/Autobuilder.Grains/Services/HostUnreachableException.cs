namespace Autobuilder.Grains.Services;

/// <summary>
/// A builder host could not be used: connection refused or timed out, host key not the pinned
/// one, authentication refused, connection dropped, or a command silent past its timeout. The
/// message is for the operator and names the host.
/// </summary>
public sealed class HostUnreachableException : Exception
{
    public HostUnreachableException(string message)
        : base(message)
    {
    }

    public HostUnreachableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
