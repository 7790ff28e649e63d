using System.Text;

namespace Autobuilder.Debian.Control;

/// <summary>
/// A one-paragraph control file as read from disk (.dsc, .changes, Release/InRelease): its
/// paragraph, and, when it was clear-signed, the signed message so the signature can be checked.
/// </summary>
public sealed record SignedControlFile(ControlParagraph Paragraph, ClearSignedMessage? Signed, string Source)
{
    public bool IsSigned => Signed is not null;

    public static SignedControlFile Parse(ReadOnlySpan<byte> bytes, string source)
    {
        var text = ControlFile.Decode(bytes, source);
        if (ClearSignedMessage.TryParse(text, source, out var signed))
            return new SignedControlFile(ControlFile.ParseSingle(signed.SignedText, source), signed, source);
        return new SignedControlFile(ControlFile.ParseSingle(text, source), null, source);
    }

    public static SignedControlFile Parse(string text, string source) => Parse(Encoding.UTF8.GetBytes(text), source);

    public static SignedControlFile Load(string path) => Parse(File.ReadAllBytes(path), path);
}
