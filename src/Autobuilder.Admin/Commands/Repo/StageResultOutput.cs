using Autobuilder.Grains;

namespace Autobuilder.Admin.Commands.Repo;

/// <summary>Prints a stage command's result: the message, or JSON; exit 0 when done, 1 when refused.</summary>
public static class StageResultOutput
{
    public static int Write(StageResult result, bool json)
    {
        if (json)
            Output.WriteJson(result);
        else if (result.Ok)
            Console.WriteLine(result.Message);
        else
            ConsoleErrors.Error(result.Message);
        return result.Ok ? 0 : 1;
    }
}
