namespace Autobuilder.Acceptance.Checks;

/// <summary>The source name follows Debian Policy §5.6.1 (it becomes a pool folder and a file name).</summary>
public sealed class SourceNameCheck : AcceptanceCheck<IControlFileFacts>
{
    public override string Name => "source-name";

    public override string Question => "Is the source name one Debian Policy 5.6.1 allows?";

    public override Task<CheckOutcome> CheckAsync(IControlFileFacts c) =>
        PackageNames.IsValid(c.Source) ? Pass()
            : Reject(c.ControlFileName, "Source", "lower-case letters, digits, '+', '-', '.'", c.Source ?? "",
                $"source name '{c.Source}' is not valid (Debian Policy 5.6.1: lower-case letters, digits, '+', '-', '.'; at least two characters)");
}
