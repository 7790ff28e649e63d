using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Autobuilder.Silo.Tests.HttpUpload;

/// <summary>The status and body of one HTTP response as the server sent it.</summary>
public sealed record RawResponse(int Status, string Head, string Body)
{
    public string Header(string name) =>
        Head.Split("\r\n").FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim() ?? "";

    public override string ToString() => $"{Head}\n\n{Body}";
}

/// <summary>
/// Sends a request byte for byte as written, over TLS that trusts only the autobuilder's CA (or
/// over plain TCP). An HTTP client library would normalise "../" out of the path before sending,
/// which is exactly what the attack tests must not have done for them.
/// </summary>
public static class RawHttps
{
    public static async Task<RawResponse> SendAsync(int port, string requestLine, IReadOnlyDictionary<string, string> headers, byte[] body,
        string caFile, bool tls = true, string host = "127.0.0.1")
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        Stream stream = client.GetStream();
        if (tls)
        {
            var ssl = new SslStream(stream, false);
            using var ca = X509CertificateLoader.LoadCertificateFromFile(caFile);
            var chain = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            chain.CustomTrustStore.Add(ca);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", CertificateChainPolicy = chain });
            stream = ssl;
        }
        var head = new StringBuilder(requestLine + "\r\n");
        if (!headers.ContainsKey("Host"))
            head.Append($"Host: {host}:{port}\r\n");
        foreach (var (k, v) in headers)
            head.Append($"{k}: {v}\r\n");
        if (!headers.ContainsKey("Content-Length") && !headers.ContainsKey("Transfer-Encoding"))
            head.Append($"Content-Length: {body.Length}\r\n");
        head.Append("Connection: close\r\n\r\n");
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
            await stream.WriteAsync(body);
            await stream.FlushAsync();
        }
        catch (IOException)
        {
            // The server may answer and close before taking the whole body (413): read what it said.
        }
        var response = new MemoryStream();
        try
        {
            await stream.CopyToAsync(response).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (IOException)
        {
        }
        var text = Encoding.UTF8.GetString(response.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (!text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || split < 0)
            return new RawResponse(0, text, "");
        var status = int.Parse(text.AsSpan(9, 3), provider: System.Globalization.CultureInfo.InvariantCulture);
        return new RawResponse(status, text[..split], text[(split + 4)..]);
    }

    public static Dictionary<string, string> Basic(string login, string token) =>
        new() { ["Authorization"] = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{login}:{token}")) };
}
