using Autobuilder.Testing;

namespace Autobuilder.Mail.Tests;

public class NoReplaceRenameTests
{
    [Fact]
    public void Should_keep_existing_file_When_target_name_is_taken()
    {
        // Arrange
        using var dir = new TempDir();
        var source = dir.Write(".new.tmp", "new");
        var target = dir.Write("mail.eml", "old");

        // Act
        var renamed = NoReplaceRename.TryRename(source, target);

        // Assert
        Assert.False(renamed);
        Assert.Equal("old", File.ReadAllText(target));
        Assert.Equal("new", File.ReadAllText(source));
    }

    [Fact]
    public void Should_move_content_and_drop_source_When_target_name_is_free()
    {
        // Arrange
        using var dir = new TempDir();
        var source = dir.Write(".new.tmp", "new");
        var target = dir["mail.eml"];

        // Act
        var renamed = NoReplaceRename.TryRename(source, target);

        // Assert
        Assert.True(renamed);
        Assert.Equal("new", File.ReadAllText(target));
        Assert.False(File.Exists(source));
    }

    [Fact]
    public void Should_throw_naming_both_paths_When_source_is_missing()
    {
        // Arrange
        using var dir = new TempDir();

        // Act
        var error = Assert.Throws<IOException>(() => NoReplaceRename.TryRename(dir["absent.tmp"], dir["mail.eml"]));

        // Assert
        Assert.Contains(dir["absent.tmp"], error.Message, StringComparison.Ordinal);
        Assert.Contains(dir["mail.eml"], error.Message, StringComparison.Ordinal);
    }
}
