using Autobuilder.Debian.Signing;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Intake;

/// <summary>
/// The quick start's uploader (<c>Autobuilder:Uploaders:QuickStartAccount</c>, on only in
/// silo-config/all.json): at the first start of a silo in role "all", an account named after the
/// unix user running it, an OpenPGP signing key made for it in &lt;data root&gt;/uploader-gnupg/
/// (0700, no passphrase: it never leaves the machine), registered with the account, and the right
/// to upload to the configured repository and products. <c>autobuilder upload</c> signs with that
/// key, so the README's two commands give a signed upload by a known account. Done once (a marker
/// in that folder); a failure is logged and tried again at the next start.
/// </summary>
public sealed partial class QuickStartUploader(IGrainFactory grains, DataPaths paths, IOptions<AutobuilderOptions> options, ILogger<QuickStartUploader> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Where the quick start's key lives, relative to the data root (the console finds it there).</summary>
    public const string GnupgFolder = "uploader-gnupg";

    private const string Marker = "account-made";

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(QuickStartUploader), ServiceLifecycleStage.Active + 2, StartAsync, _ => Task.CompletedTask);

    private async Task StartAsync(CancellationToken ct)
    {
        var home = Path.Combine(paths.Root, GnupgFolder);
        if (File.Exists(Path.Combine(home, Marker)))
            return;
        var login = Environment.UserName.ToLowerInvariant();
        if (!AccountNames.IsValidLogin(login))
        {
            LogNoAccount(logger, login, "the user name is not a valid login");
            return;
        }
        try
        {
            var o = options.Value;
            var fingerprint = await Task.Run(() => GpgKeys.FindOrCreate(home, $"{login} <{login}@localhost>"), ct);
            var exported = Path.Combine(home, "public.gpg");
            GpgKeys.ExportPublic(home, fingerprint, exported);
            var directory = grains.GetGrain<IAccountDirectoryGrain>(0);
            if (await directory.GetAsync(login) is not { } account)
            {
                await directory.AddAsync(new NewAccount(login, login, $"{login}@localhost", []));
                account = await directory.GetAsync(login);
            }
            if (account?.OpenPgpKeys.Any(k => k.Fingerprint.Equals(fingerprint, StringComparison.OrdinalIgnoreCase) && k.RemovedAt is null) != true)
                await directory.AddOpenPgpKeyAsync(login, await File.ReadAllBytesAsync(exported, ct));
            foreach (var product in o.Products)
                await directory.GrantAsync(new UploadRight(login, o.Repository, product));
            await File.WriteAllTextAsync(Path.Combine(home, Marker), $"{login} {fingerprint}\n", ct);
            LogMade(logger, login, fingerprint, home);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNoAccount(logger, login, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Quick start: account {Login} with OpenPGP key {Fingerprint} (in {Home}) may upload; `autobuilder upload` signs with it")]
    private static partial void LogMade(ILogger logger, string login, string fingerprint, string home);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Quick start: no uploader account made for {Login}: {Reason} (uploads stay unsigned; tried again at the next start)")]
    private static partial void LogNoAccount(ILogger logger, string login, string reason);
}
