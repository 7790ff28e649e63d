using Autobuilder.Grains.Options;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Hosting;

/// <summary>
/// Checks the options tree when the silo starts (<c>ValidateOnStart</c>): a silo with a setting it
/// cannot honour stops at once with the key and the reason, instead of failing at the first upload.
/// </summary>
public sealed class AutobuilderOptionsValidator : IValidateOptions<AutobuilderOptions>
{
    public ValidateOptionsResult Validate(string? name, AutobuilderOptions options) =>
        (options.Priorities.Problem(options) ?? options.UploadMemory.Problem() ?? DropProblem(options)) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;

    /// <summary>A drop silo (role "drop") without its drop, or a drop whose mode or limit cannot be honoured.</summary>
    private static string? DropProblem(AutobuilderOptions options)
    {
        var drop = options.Uploaders.Drop;
        if (options.Role == Autobuilder.Grains.SiloRoles.Drop && !drop.Enabled)
            return "Autobuilder:Role is \"drop\" but Autobuilder:Uploaders:Drop:Enabled is false: a drop silo serves the SSH drop (silo-config/drop.json)";
        if (!drop.Enabled)
            return null;
        if (drop.Mode is not ("command" or "file"))
            return $"Autobuilder:Uploaders:Drop:Mode is '{drop.Mode}': it must be \"command\" (AuthorizedKeysCommand) or \"file\" (authorized_keys)";
        if (drop.MaxAreaBytes < 0)
            return $"Autobuilder:Uploaders:Drop:MaxAreaBytes is {drop.MaxAreaBytes}: it must be 0 (Intake:MaxUploadBytes) or a number of bytes";
        return null;
    }
}
