using System.Net.Sockets;
using Renci.SshNet.Common;

namespace Autobuilder.Silo.Execution.Ssh;

/// <summary>Which exceptions mean "the host or the connection is gone" rather than a problem with one build.</summary>
public static class SshFailures
{
    public static bool IsConnectionFailure(Exception ex) => ex switch
    {
        SocketException or SshConnectionException or SshOperationTimeoutException or SshAuthenticationException
            or ProxyException or TimeoutException or ObjectDisposedException => true,
        AggregateException a => a.InnerExceptions.Any(IsConnectionFailure),
        _ => ex.InnerException is { } inner && IsConnectionFailure(inner),
    };

    /// <summary>One line for an operator: "connection refused", "authentication refused: …".</summary>
    public static string Describe(Exception ex) => ex switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException { SocketErrorCode: SocketError.TimedOut } => "connection timed out",
        SocketException s => $"network error: {s.SocketErrorCode}",
        SshAuthenticationException a => $"authentication refused: {a.Message}",
        SshOperationTimeoutException or TimeoutException => "timed out",
        ObjectDisposedException => "connection closed",
        SshConnectionException c => $"connection lost: {c.Message}",
        AggregateException { InnerExceptions.Count: > 0 } a => Describe(a.InnerExceptions[0]),
        _ => ex.Message,
    };
}
