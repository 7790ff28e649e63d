namespace Autobuilder.Debian.Indices;

/// <summary>
/// The order in which apt-ftparchive writes the fields of a Packages stanza: apt's
/// <c>TFRewritePackageOrder</c> (apt-pkg/tagfile-order.c), as in apt 2.6 (Debian 12), checked
/// against <c>apt-ftparchive packages</c> output. Fields in this list are written in this order and
/// with this spelling; every other field follows them, in the order of the control file, with the
/// spelling it had there.
/// </summary>
internal static class PackagesFieldOrder
{
    /// <summary>The one table of the order, shared with <see cref="FieldOrder.Packages"/>.</summary>
    internal static IReadOnlyList<string> Names => FieldOrder.Packages;

    private static readonly Dictionary<string, int> Positions =
        Names.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.OrdinalIgnoreCase);

    /// <summary>The field's slot in the canonical order, or -1 for a field apt does not order.</summary>
    internal static int IndexOf(string name) => Positions.TryGetValue(name, out var i) ? i : -1;
}
