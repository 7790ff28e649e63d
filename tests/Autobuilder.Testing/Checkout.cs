namespace Autobuilder.Testing;

/// <summary>The repository checkout the tests run from (the folder holding Autobuilder.sln): shipped files are read from there.</summary>
public static class Checkout
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Autobuilder.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("the checkout (Autobuilder.sln) is not above the test's folder");
    }
}
