using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Db;

public sealed class DbInitSettings : CommandSettings
{
    [CommandOption("--connection <CONNECTION>")]
    [Description("Npgsql connection string of the cluster's database (default: $AUTOBUILDER_DB), e.g. \"Host=db;Database=autobuilder;Username=autobuilder;Password=…\".")]
    public string? Connection { get; init; }

    [CommandOption("--json")]
    [Description("Print JSON for scripts.")]
    public bool Json { get; init; }

    /// <summary>The connection string to use: the option, else the environment (keeps the password out of the process list).</summary>
    public string? EffectiveConnection => Connection ?? Environment.GetEnvironmentVariable("AUTOBUILDER_DB");

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(EffectiveConnection)
            ? ValidationResult.Error("give the database with --connection CONNECTION or $AUTOBUILDER_DB")
            : ValidationResult.Success();
}
