using System.Security.Cryptography;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Uploaders;

/// <summary>
/// A source upload as an uploader makes it: dpkg-source and dpkg-genchanges, then signed the way
/// debsign signs (the .dsc first, its new size and sums written into the .changes, then the
/// .changes), with the real gpg. Files are put into incoming or an upload area in dput's order.
/// </summary>
public sealed class SignedSource
{
    private SignedSource(string folder, string dsc, string changes)
    {
        Folder = folder;
        Dsc = dsc;
        Changes = changes;
    }

    public string Folder { get; }
    public string Dsc { get; }
    public string Changes { get; }

    public static SignedSource Build(SourcePackage package, string scratch)
    {
        var folder = Path.Combine(scratch, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var changes = package.BuildSourceChanges(folder);
        return new SignedSource(folder, Path.Combine(folder, package.DscName), changes);
    }

    /// <summary>debsign: clear-signs the .dsc, rewrites its size and sums in the .changes, clear-signs the .changes.</summary>
    public SignedSource Sign(TestSigner key, DateTimeOffset? at = null, bool dsc = true, bool changes = true)
    {
        if (dsc)
        {
            var before = File.ReadAllBytes(Dsc);
            File.WriteAllText(Dsc, key.ClearSign(File.ReadAllText(Dsc), at));
            ReplaceSums(Path.GetFileName(Dsc), before, File.ReadAllBytes(Dsc));
        }
        if (changes)
            File.WriteAllText(Changes, key.ClearSign(File.ReadAllText(Changes), at));
        return this;
    }

    /// <summary>
    /// <see cref="Sign"/> of both files, making sure the .changes' Files line also carries the
    /// signed .dsc's size (checked here, so a .changes that still names the unsigned size fails at once).
    /// </summary>
    public SignedSource SignBoth(TestSigner key)
    {
        var unsignedSize = new FileInfo(Dsc).Length;
        Sign(key, changes: false);
        var signedSize = new FileInfo(Dsc).Length;
        var md5 = Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(Dsc)));
        EditChanges(t => t.Replace($" {md5} {unsignedSize} ", $" {md5} {signedSize} ", StringComparison.Ordinal));
        if (!File.ReadAllText(Changes).Contains($" {md5} {signedSize} ", StringComparison.Ordinal))
            throw new InvalidOperationException($"{Changes} does not name the signed {Path.GetFileName(Dsc)} ({signedSize} bytes) in its Files field");
        return Sign(key, dsc: false);
    }

    /// <summary>Changes the .changes (unsigned) before it is signed, e.g. to break a sum.</summary>
    public SignedSource EditChanges(Func<string, string> edit)
    {
        File.WriteAllText(Changes, edit(File.ReadAllText(Changes)));
        return this;
    }

    /// <summary>Changes the .dsc (before it is signed) and writes its new size and sums into the .changes, as a rebuilt .changes would hold them.</summary>
    public SignedSource EditDsc(Func<string, string> edit)
    {
        var before = File.ReadAllBytes(Dsc);
        File.WriteAllText(Dsc, edit(File.ReadAllText(Dsc)));
        ReplaceSums(Path.GetFileName(Dsc), before, File.ReadAllBytes(Dsc));
        return this;
    }

    private void ReplaceSums(string name, byte[] before, byte[] after)
    {
        var text = File.ReadAllText(Changes);
        foreach (var (old, now) in new[]
        {
            (Convert.ToHexStringLower(MD5.HashData(before)), Convert.ToHexStringLower(MD5.HashData(after))),
            (Convert.ToHexStringLower(SHA1.HashData(before)), Convert.ToHexStringLower(SHA1.HashData(after))),
            (Convert.ToHexStringLower(SHA256.HashData(before)), Convert.ToHexStringLower(SHA256.HashData(after))),
        })
        {
            text = text.Replace(old, now, StringComparison.Ordinal);
        }
        // Checksums-* lines are "sum size name", Files lines "md5 size section priority name".
        var lines = text.Split('\n').Select(l => l.EndsWith(" " + name, StringComparison.Ordinal)
            ? string.Join(' ', l.Split(' ').Select(w => w == before.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ? after.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) : w))
            : l);
        File.WriteAllText(Changes, string.Join('\n', lines));
    }

    /// <summary>
    /// Copies the upload into local incoming: its files, the .changes, and the .dsc last, each by a
    /// temporary name and a rename (what <c>autobuilder upload</c> does: intake starts from the .dsc).
    /// </summary>
    public void PutInto(string target, bool withChanges = true)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(Folder).Where(f => f != Dsc && f != Changes))
            Copy(file, target);
        if (withChanges)
            Copy(Changes, target);
        Copy(Dsc, target);
    }

    /// <summary>As dput over sftp writes: in place under the final name, no rename, the .changes last (an SSH upload area).</summary>
    public void WriteInPlace(string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(Folder).Where(f => f != Dsc && f != Changes).Append(Dsc).Append(Changes))
        {
            using var from = File.OpenRead(file);
            using var to = new FileStream(Path.Combine(target, Path.GetFileName(file)), FileMode.Create, FileAccess.Write);
            from.CopyTo(to);
        }
    }

    private static void Copy(string file, string target)
    {
        var to = Path.Combine(target, Path.GetFileName(file));
        File.Copy(file, to + ".part", overwrite: true);
        File.Move(to + ".part", to, overwrite: true);
    }
}
