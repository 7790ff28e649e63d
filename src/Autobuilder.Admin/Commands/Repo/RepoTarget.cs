namespace Autobuilder.Admin.Commands.Repo;

/// <summary>A "REPOSITORY" or "REPOSITORY/PRODUCT" argument.</summary>
public sealed record RepoTarget(string Repository, string? Product)
{
    public static RepoTarget Parse(string text, string what)
    {
        var parts = text.Split('/');
        if (parts.Length > 2 || parts.Any(p => p.Length == 0))
            throw new ConsoleException($"{what}: '{text}' is not REPOSITORY or REPOSITORY/PRODUCT (for example extras-devel/bookworm)");
        return new RepoTarget(parts[0], parts.Length == 2 ? parts[1] : null);
    }

    public string RequireProduct(string what) =>
        Product ?? throw new ConsoleException($"{what}: name the distribution as REPOSITORY/PRODUCT (for example {Repository}/bookworm)");

    public string Key => Product is null ? Repository : $"{Repository}/{Product}";
}
