using Autobuilder.Grains;

namespace Autobuilder.Silo.Execution.Ssh;

/// <summary>Where and as whom one slot connects, and the host key it must find there.</summary>
public sealed record SshTarget(string Address, int Port, string User, string KeyFile, string HostKeySha256)
{
    public static SshTarget For(SlotConfig slot) =>
        new(slot.Address ?? slot.Host, slot.Port, slot.User, slot.KeyFile ?? "", slot.HostKeySha256 ?? "");

    public override string ToString() => $"{User}@{Address}:{Port}";
}
