namespace Autobuilder.Debian.Deb;

/// <summary>What <see cref="DebFile.Read"/> extracts besides the control paragraph, which it always reads.</summary>
[Flags]
public enum DebReadOptions
{
    None = 0,
    /// <summary>Parse control.tar's md5sums file (absent in some packages).</summary>
    Md5Sums = 1,
    /// <summary>Decompress data.tar and list its entries; costs a pass over the whole payload.</summary>
    DataEntries = 2,
}
