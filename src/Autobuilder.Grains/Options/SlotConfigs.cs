namespace Autobuilder.Grains.Options;

/// <summary>The slots a silo configuration names: local <c>Slots</c> and every user of every <c>BuilderHosts</c> entry.</summary>
public static class SlotConfigs
{
    public static IReadOnlyList<SlotConfig> FromOptions(AutobuilderOptions o)
    {
        var slots = new List<SlotConfig>();
        foreach (var slot in o.Slots)
        {
            var architectures = slot.Architectures.Count > 0 ? slot.Architectures : o.Architectures;
            slots.Add(new SlotConfig(slot.Host, slot.User, [.. architectures], slot.Executor,
                Mode: slot.Mode, ChrootTarballs: NullIfEmpty(slot.ChrootTarballs), Network: slot.Network));
        }
        foreach (var host in o.BuilderHosts)
        {
            var architectures = host.Architectures.Count > 0 ? host.Architectures : o.Architectures;
            foreach (var user in host.Users)
            {
                slots.Add(new SlotConfig(host.Name, user.User, [.. architectures], SlotConfig.SshExecutor,
                    string.IsNullOrWhiteSpace(host.Address) ? host.Name : host.Address, host.Port, host.HostKeySha256, user.KeyFile,
                    host.Mode, NullIfEmpty(host.ChrootTarballs)));
            }
        }
        return slots;
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
