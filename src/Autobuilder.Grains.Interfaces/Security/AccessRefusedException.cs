using Orleans.Runtime;

namespace Autobuilder.Grains.Security;

/// <summary>
/// A call refused by the silo's access filter: no proof of a certificate, a certificate that is not
/// (or no longer) valid, or a role below what the method needs. The message says which.
/// </summary>
[GenerateSerializer]
public sealed class AccessRefusedException : OrleansException
{
    public AccessRefusedException()
    {
    }

    public AccessRefusedException(string message) : base(message)
    {
    }

    public AccessRefusedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
