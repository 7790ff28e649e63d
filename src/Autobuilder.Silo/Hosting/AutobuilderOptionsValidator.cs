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
        (options.Priorities.Problem(options) ?? options.UploadMemory.Problem()) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
