using Autobuilder.Grains.Options;
using Autobuilder.Grains.Qa;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Qa;

/// <summary>The QA ladder on a stage silo (issue 15): its steps (checked at start), dose-debcheck, lintian, the reminders' start.</summary>
public static class QaServiceCollectionExtensions
{
    public static IServiceCollection AddAutobuilderQa(this IServiceCollection services)
    {
        services.AddSingleton(sp => new QaLadder(sp.GetRequiredService<IOptions<AutobuilderOptions>>().Value));
        services.AddSingleton<IValidateOptions<AutobuilderOptions>, QaOptionsValidator>();
        services.AddSingleton<IDoseRunner, DoseRunner>();
        services.AddSingleton<IInstallabilityChecker, DoseInstallabilityChecker>();
        services.AddSingleton<ILintianRunner, LintianRunner>();
        services.AddSingleton<ILintianChecks, LintianChecks>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, QaStartup>();
        return services;
    }
}

/// <summary>A silo whose ladder names an unknown repository, a pair the stage already promotes, a bad round mode… stops at start, saying which.</summary>
public sealed class QaOptionsValidator : IValidateOptions<AutobuilderOptions>
{
    public ValidateOptionsResult Validate(string? name, AutobuilderOptions options)
    {
        var problems = new QaLadder(options).Problems;
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
