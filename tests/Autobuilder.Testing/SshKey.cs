namespace Autobuilder.Testing;

/// <summary>A fresh ed25519 key pair without passphrase, made with the real ssh-keygen.</summary>
public sealed record SshKey(string PrivateKeyFile, string PublicKey)
{
    public static SshKey Generate(string folder, string name)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        Tool.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path).Ok();
        return new SshKey(path, File.ReadAllText(path + ".pub").Trim());
    }
}
