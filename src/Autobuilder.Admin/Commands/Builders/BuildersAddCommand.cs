using System.ComponentModel;
using Autobuilder.Admin.Cluster;
using Autobuilder.Grains;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Builders;

/// <summary>
/// <c>autobuilder builders add HOST USER …</c>: a new slot at run time, kept across restarts. For
/// SSH the host key fingerprint is required (hosts are pinned, never trusted on first use) and the
/// key file is a path on the builder silo's machine: the key itself never passes through here.
/// </summary>
public sealed class BuildersAddCommand : AsyncCommand<BuildersAddCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<HOST>")]
        [Description("Host name in the slot key HOST/USER.")]
        public string Host { get; init; } = "";

        [CommandArgument(1, "<USER>")]
        [Description("Unix user on the host; one user is one slot.")]
        public string User { get; init; } = "";

        [CommandOption("--arch <ARCH>")]
        [Description("Architectures the slot builds (repeat or separate with commas).")]
        public string[] Architectures { get; init; } = [];

        [CommandOption("--executor <KIND>")]
        [Description("ssh (default) or local.")]
        public string Executor { get; init; } = SlotConfig.SshExecutor;

        [CommandOption("--address <ADDRESS>")]
        [Description("Where to connect (default: HOST).")]
        public string? Address { get; init; }

        [CommandOption("--port <PORT>")]
        [Description("SSH port (default 22).")]
        public int Port { get; init; } = 22;

        [CommandOption("--host-key <SHA256>")]
        [Description("The host key's fingerprint, as 'ssh-keygen -lf KEY.pub -E sha256' prints it.")]
        public string? HostKey { get; init; }

        [CommandOption("--key-file <PATH>")]
        [Description("Absolute path of USER's private key on the builder silo's machine.")]
        public string? KeyFile { get; init; }

        [CommandOption("--mode <MODE>")]
        [Description("host (default: build on the builder as it is) or chroot (a throwaway root per build from a base tarball; see 'builders prepare-env').")]
        public string Mode { get; init; } = SlotConfig.HostMode;

        [CommandOption("--chroot-tarballs <DIR>")]
        [Description("Chroot mode: the folder on the builder holding PRODUCT-ARCH.tar (default /var/cache/autobuilder/chroots).")]
        public string? ChrootTarballs { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var architectures = settings.Architectures
            .SelectMany(a => a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToList();
        if (architectures.Count == 0)
            throw new ConsoleException("say which architectures the slot builds with --arch (e.g. --arch amd64)");
        var ssh = settings.Executor == SlotConfig.SshExecutor;
        var config = new SlotConfig(settings.Host, settings.User, architectures, settings.Executor,
            ssh ? settings.Address ?? settings.Host : null, settings.Port, ssh ? settings.HostKey : null, ssh ? settings.KeyFile : null,
            settings.Mode, settings.ChrootTarballs);
        // Checked here too, so a typo is answered without a cluster round trip.
        if (config.Problem() is { } problem)
            throw new ConsoleException(problem);

        await using var cluster = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        var refusal = await cluster.Grains.GetGrain<IBuilderRegistryGrain>(0).AddAsync(config);
        if (settings.Json)
            Output.WriteJson(new { slot = config.Key, added = refusal is null, message = refusal });
        else if (refusal is null)
            Console.WriteLine($"{config.Key}: added ({config.Where}); 'autobuilder builders list' shows when it is idle");
        else
            ConsoleErrors.Error(refusal);
        return refusal is null ? 0 : 1;
    }
}
