using System.Security.Cryptography.X509Certificates;

namespace Autobuilder.Grains.Security;

/// <summary>Who a certificate names: its name (CN), its role (OU), its serial number.</summary>
[GenerateSerializer, Immutable]
public sealed record CertificateIdentity(
    [property: Id(0)] string Name,
    [property: Id(1)] AccessRole Role,
    [property: Id(2)] string Serial)
{
    public static CertificateIdentity Of(X509Certificate2 certificate)
    {
        string? name = null, role = null;
        foreach (var part in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            var oid = part.GetSingleElementType().Value;
            var value = part.GetSingleElementValue();
            if (oid == "2.5.4.3")
                name = value;
            else if (oid == "2.5.4.11")
                role = value;
        }
        return new CertificateIdentity(name ?? "", AccessRoles.Parse(role), certificate.SerialNumber.ToLowerInvariant());
    }

    public override string ToString() => $"{Name} ({Role.Name()}, serial {Serial})";
}
