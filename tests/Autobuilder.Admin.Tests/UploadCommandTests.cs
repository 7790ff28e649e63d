using Autobuilder.Testing;

namespace Autobuilder.Admin.Tests;

public class UploadCommandTests
{
    [Fact]
    public void Should_copy_the_named_files_and_the_dsc_into_incoming()
    {
        using var dir = new TempDir();
        var dsc = new SourcePackage(Name: "ab-up").BuildSource(dir["src"].EnsureFolder());
        var incoming = Directory.CreateDirectory(dir["var/incoming/bookworm"]).FullName;

        var result = Cli.Run("upload", dsc, "--data-root", dir["var"], "--product", "bookworm");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["ab-up_1.0-1.debian.tar.xz", "ab-up_1.0-1.dsc", "ab-up_1.0.orig.tar.gz"],
            Directory.GetFiles(incoming).Select(Path.GetFileName).Order());
        Assert.Contains("uploads list", result.Stdout);
    }

    [Fact]
    public void Should_refuse_an_upload_whose_files_do_not_match_before_copying_anything()
    {
        using var dir = new TempDir();
        var dsc = new SourcePackage(Name: "ab-up").BuildSource(dir["src"].EnsureFolder());
        File.AppendAllText(Path.Combine(dir["src"], "ab-up_1.0.orig.tar.gz"), "x");
        var incoming = Directory.CreateDirectory(dir["var/incoming/bookworm"]).FullName;

        var result = Cli.Run("upload", dsc, "--data-root", dir["var"], "--product", "bookworm");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("size mismatch", result.Stderr);
        Assert.Empty(Directory.GetFiles(incoming));
    }

    [Fact]
    public void Should_name_the_missing_incoming_folder_When_the_product_is_unknown()
    {
        using var dir = new TempDir();
        var dsc = new SourcePackage(Name: "ab-up").BuildSource(dir["src"].EnsureFolder());

        var result = Cli.Run("upload", dsc, "--data-root", dir["var"], "--product", "nosuch");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("incoming/nosuch does not exist", result.Stderr);
    }

    [Fact]
    public void Should_take_the_product_and_data_root_from_the_environment_When_the_silo_is_configured_so()
    {
        // As in the container image: the configuration file named by AUTOBUILDER_CONFIG, its data root
        // overridden by AUTOBUILDER_Autobuilder__DataRoot (what the silo reads by the same rule).
        using var dir = new TempDir();
        var dsc = new SourcePackage(Name: "ab-up").BuildSource(dir["src"].EnsureFolder());
        var incoming = Directory.CreateDirectory(dir["var/incoming/sid"]).FullName;
        File.WriteAllText(dir["silo.json"], """{ "Autobuilder": { "DataRoot": "/nonexistent", "Products": [ "sid" ] } }""");

        var result = Tool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, Cli.Console), "upload", dsc],
            workingDirectory: dir["src"],
            environment: new Dictionary<string, string> { ["AUTOBUILDER_CONFIG"] = dir["silo.json"], ["AUTOBUILDER_Autobuilder__DataRoot"] = dir["var"] },
            timeout: TimeSpan.FromMinutes(1));

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(["ab-up_1.0-1.debian.tar.xz", "ab-up_1.0-1.dsc", "ab-up_1.0.orig.tar.gz"],
            Directory.GetFiles(incoming).Select(Path.GetFileName).Order());
    }
}
