using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>
/// A separate SSH drop host (a silo of role "drop"; key: its host name, placed on that host). The
/// garage's directory sends it every new version of <see cref="DropAccess"/>; the drop silo writes
/// its own key index, authorized_keys and areas from it. Silos only.
/// </summary>
public interface IDropHostGrain : IGrainWithStringKey
{
    /// <summary>Writes the drop host's files from <paramref name="access"/> unless a newer version was written already; says what it did.</summary>
    [SiloOnly]
    Task<string> PublishAsync(DropAccess access);
}

/// <summary>
/// The part of the account directory a drop host needs, and nothing more (no OpenPGP keys, tokens,
/// rights or addresses leave the garage): each account's login, whether it is enabled, and its SSH
/// keys; the garage's products (one area folder each); the directory's version, so an older
/// publication arriving late never replaces a newer one.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DropAccess(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<string> Products,
    [property: Id(2)] IReadOnlyList<DropAccount> Accounts);

/// <summary>One account as a drop host sees it.</summary>
[GenerateSerializer, Immutable]
public sealed record DropAccount(
    [property: Id(0)] string Login,
    [property: Id(1)] bool Enabled,
    [property: Id(2)] IReadOnlyList<SshPublicKey> SshKeys);
