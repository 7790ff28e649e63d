using System.Text;

namespace Autobuilder.Debian.Control;

/// <summary>
/// An OpenPGP clear-signed message (RFC 4880 §7, RFC 9580 §7): the signed text with dash-escaping
/// undone, and the armored signature. <see cref="SignedText"/> is what <c>gpgv --output</c> writes:
/// each signed line, without trailing spaces and tabs, followed by '\n'. Trailing whitespace is
/// dropped because the signature does not cover it (RFC 4880 §7.1), so it must not reach a parser;
/// gpgv drops it too. Line ends are always '\n': the signature covers the canonical "\r\n" form,
/// so "\r\n" and "\n" lines are the same signed text (gpgv's output keeps the "\r" it was given).
/// </summary>
public sealed record ClearSignedMessage(string SignedText, IReadOnlyList<string> ArmorHeaders, string Signature)
{
    private const string BeginMessage = "-----BEGIN PGP SIGNED MESSAGE-----";
    private const string BeginSignature = "-----BEGIN PGP SIGNATURE-----";
    private const string EndSignature = "-----END PGP SIGNATURE-----";

    public static bool LooksSigned(string text) => text.TrimStart().StartsWith(BeginMessage, StringComparison.Ordinal);

    /// <summary>
    /// Recognises a clear-signed message. Returns false for plain text. A message that starts as
    /// clear-signed but is malformed, or that carries text outside the signed part (which a
    /// verifier would not cover), is an error rather than plain text.
    /// </summary>
    public static bool TryParse(string text, string source, out ClearSignedMessage message)
    {
        message = null!;
        if (!LooksSigned(text))
            return false;

        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var i = 0;
        while (lines[i].Trim().Length == 0)
            i++;
        i++; // the BEGIN line
        var headers = new List<string>();
        for (; i < lines.Length && lines[i].Trim().Length > 0; i++)
        {
            if (!lines[i].Contains(": ", StringComparison.Ordinal))
                throw new ControlFileException(source, i + 1, $"malformed armor header '{lines[i]}' in clear-signed message");
            headers.Add(lines[i]);
        }
        if (i >= lines.Length)
            throw new ControlFileException(source, 0, "clear-signed message has no text and no signature");
        i++; // blank line after the headers

        var signed = new StringBuilder();
        for (; i < lines.Length && lines[i] != BeginSignature; i++)
        {
            var line = lines[i];
            if (line.StartsWith("- ", StringComparison.Ordinal))
                line = line[2..];
            else if (line.StartsWith('-'))
                throw new ControlFileException(source, i + 1, $"unexpected armor line '{line}' inside the signed text");
            signed.Append(line.TrimEnd(' ', '\t')).Append('\n');
        }
        if (i >= lines.Length)
            throw new ControlFileException(source, 0, "clear-signed message has no '-----BEGIN PGP SIGNATURE-----' line");

        var signatureStart = i;
        for (; i < lines.Length && lines[i] != EndSignature; i++) { }
        if (i >= lines.Length)
            throw new ControlFileException(source, 0, "clear-signed message has no '-----END PGP SIGNATURE-----' line");
        var signature = string.Join("\n", lines[signatureStart..(i + 1)]) + "\n";

        for (i++; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length > 0)
                throw new ControlFileException(source, i + 1, "text after the signature is not covered by it; refusing the file");
        }
        message = new ClearSignedMessage(signed.ToString(), headers, signature);
        return true;
    }
}
