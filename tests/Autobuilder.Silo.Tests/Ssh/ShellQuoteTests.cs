using Autobuilder.Silo.Execution.Ssh;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Ssh;

/// <summary>Quoted words reach a real shell exactly as they were, whatever they contain.</summary>
public sealed class ShellQuoteTests
{
    public static TheoryData<string> Nasty => new()
    {
        "plain",
        "",
        "it's",
        "''",
        "a b\tc",
        "$(touch /tmp/ab-never)",
        "`id`",
        "a;b&&c||d|e&",
        "$HOME ${IFS} $'\\n'",
        "line1\nline2",
        "*?[a-z]{x,y}~",
        "\\'\"\\\"",
        "!event",
        "-n",
        "é ∂ 😀",
    };

    [Theory]
    [MemberData(nameof(Nasty))]
    public void Should_reach_bash_unchanged_When_a_word_is_quoted(string word)
    {
        // Arrange
        var script = "printf '%s\\0' " + ShellQuote.Quote(word);

        // Act
        var output = Tool.RunBytes("bash", ["-c", script]);

        // Assert
        Assert.Equal(word + "\0", System.Text.Encoding.UTF8.GetString(output));
    }

    [Fact]
    public void Should_keep_words_apart_When_a_command_is_quoted()
    {
        // Arrange
        string[] words = ["printf", "%s|", "a b", "c'd", "$(e)"];

        // Act
        var output = Tool.Run("bash", "-c", ShellQuote.Command(words)).Ok().Stdout;

        // Assert
        Assert.Equal("a b|c'd|$(e)|", output.TrimEnd('\n'));
    }

    [Fact]
    public void Should_refuse_When_a_word_holds_NUL()
    {
        Assert.Throws<ArgumentException>(() => ShellQuote.Quote("a\0b"));
    }
}
