using Autobuilder.Debian;
using Spectre.Console.Cli;

namespace Autobuilder.Admin;

/// <summary>
/// Turns failures into one clear line on stderr and an exit code: 2 for bad usage or bad input,
/// 69 (EX_UNAVAILABLE) when the cluster lacks a silo of the role the command needs, 77
/// (EX_NOPERM) when the silo refused the call for the console's certificate, 69 too when the
/// cluster's database could not be reached or refused (its words), 70
/// (EX_SOFTWARE) for a bug, which is the only case that hints at more detail.
/// </summary>
public static class ConsoleErrors
{
    public const int BadInput = 2;
    public const int Unavailable = 69;
    public const int InternalError = 70;
    public const int Refused = 77;

    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception ex)
        {
            return Report(ex);
        }
    }

    public static int Report(Exception ex)
    {
        switch (ex)
        {
            case Autobuilder.Grains.NoSiloForRoleException:
                // The message names the role and what to start; the work waits, nothing to debug.
                Error(ex.Message);
                return Unavailable;
            case Autobuilder.Grains.DatabaseException:
            case System.Data.Common.DbException:
                // The cluster's database is away or refused: its words (and what the silo was doing); the work is retried by the silos.
                Error(ex is Autobuilder.Grains.DatabaseException ? ex.Message : $"the database: {ex.Message}");
                return Unavailable;
            case Autobuilder.Grains.Security.AccessRefusedException:
                // The silo's access filter: the message names the certificate, its role and what was needed.
                Error($"refused: {ex.Message}");
                return Refused;
            case CommandAppException:
            case ConsoleException:
            case DebianFormatException:
            case FileNotFoundException:
            case DirectoryNotFoundException:
            case UnauthorizedAccessException:
            case IOException:
            case InvalidDataException:
            case ArgumentException:
                // The grains' answer to bad input (an unknown account, a malformed key): the message says which.
                Error(ex.Message);
                return BadInput;
            default:
                Error($"internal error: {ex.GetType().Name}: {ex.Message} (set AUTOBUILDER_DEBUG=1 for a stack trace)");
                if (Environment.GetEnvironmentVariable("AUTOBUILDER_DEBUG") == "1")
                    Console.Error.WriteLine(ex);
                return InternalError;
        }
    }

    public static void Error(string message) =>
        Console.Error.WriteLine($"autobuilder: error: {message.ReplaceLineEndings(" ")}");
}
