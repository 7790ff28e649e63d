namespace Autobuilder.BuildRunner.Tests;

public class BuildRunnerStateFileTests
{
    [Fact]
    public void Should_read_every_field_When_the_file_is_a_finished_dep_wait()
    {
        const string text = """
            state=done
            outcome=dep-wait
            started=2026-11-25T10:00:00Z
            finished=2026-11-25T10:00:07Z
            mode=host
            arch=amd64
            build_type=any
            dsc=hello_1.0-1.dsc
            missing=libfoo-dev (>= 1.2), bar | baz
            reason=unmet build dependencies
            future_key=kept

            """;

        var state = BuildRunnerStateFile.Parse(text);

        Assert.Equal(BuildRunnerState.Done, state.State);
        Assert.Equal(BuildOutcome.DepWait, state.Outcome);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), state.Started);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 7, TimeSpan.Zero), state.Finished);
        Assert.Equal("host", state.Mode);
        Assert.Equal("amd64", state.Architecture);
        Assert.Equal("any", state.BuildType);
        Assert.Equal("hello_1.0-1.dsc", state.Dsc);
        Assert.Equal("libfoo-dev (>= 1.2), bar | baz", state.Missing);
        Assert.Equal("unmet build dependencies", state.Reason);
        Assert.Equal("kept", state.Values["future_key"]);
    }

    [Theory]
    [InlineData("init", BuildRunnerState.Init)]
    [InlineData("setup", BuildRunnerState.Setup)]
    [InlineData("build", BuildRunnerState.Build)]
    public void Should_have_no_outcome_When_the_runner_is_still_working(string word, BuildRunnerState expected)
    {
        var state = BuildRunnerStateFile.Parse($"state={word}\nstarted=2026-11-25T10:00:00Z\n");

        Assert.Equal(expected, state.State);
        Assert.Null(state.Outcome);
        Assert.Null(state.Finished);
    }

    [Theory]
    [InlineData("outcome=success\n", "no state= line")]
    [InlineData("state=prep\n", "unknown state 'prep'")]
    [InlineData("state=done\n", "no outcome= line")]
    [InlineData("state=done\noutcome=great\n", "unknown outcome 'great'")]
    [InlineData("state=build\noutcome=success\n", "still 'build'")]
    [InlineData("state=done\noutcome=success\noutcome=bad-source\n", "'outcome' appears twice")]
    [InlineData("state=done\njust some text\n", "line 2 is not key=value")]
    [InlineData("state=init\nstarted=yesterday\n", "started= is not a UTC timestamp")]
    public void Should_throw_naming_the_problem_When_the_file_is_not_what_the_runner_writes(string text, string problem)
    {
        var error = Assert.Throws<InvalidDataException>(() => BuildRunnerStateFile.Parse(text));

        Assert.Contains(problem, error.Message);
    }
}
