using Microsoft.Extensions.Logging;

namespace Autobuilder.Silo.HttpUpload;

public sealed partial class HttpUploadEndpoint
{
    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP upload: {Login} stored {Product}/{Name} ({Size} bytes)")]
    internal static partial void LogStored(ILogger logger, string login, string product, string name, long size);

    // The login only, never the Authorization header or the token.
    [LoggerMessage(Level = LogLevel.Warning, Message = "HTTP upload refused from {Remote} (login {Login}): {Reason}")]
    internal static partial void LogRefused(ILogger logger, string remote, string login, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "HTTP upload: the account directory did not answer for {Login}")]
    private static partial void LogDirectoryFailed(ILogger logger, Exception ex, string login);
}
