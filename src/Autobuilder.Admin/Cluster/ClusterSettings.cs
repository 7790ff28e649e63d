using System.ComponentModel;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Cluster;

/// <summary>Options of every command that talks to a running autobuilder.</summary>
public class ClusterSettings : CommandSettings
{
    [CommandOption("--gateway <HOST:PORT>")]
    [Description("Gateway of a silo to talk to, or several separated by commas (default: $AUTOBUILDER_GATEWAY or 127.0.0.1:30000).")]
    public string? Gateway { get; init; }

    [CommandOption("--cluster <CONNECTION>")]
    [Description("A cluster's PostgreSQL database (Npgsql connection string, default: $AUTOBUILDER_CLUSTER): talk to whichever gateway it lists as alive.")]
    public string? Cluster { get; init; }

    [CommandOption("--cert <FILE>")]
    [Description("Your certificate file (certificate, CA and key; default: $AUTOBUILDER_CERT, else the one ./run.sh made for you in var/certs/users/).")]
    public string? Certificate { get; init; }

    [CommandOption("--json")]
    [Description("Print JSON for scripts instead of a table.")]
    public bool Json { get; init; }
}
