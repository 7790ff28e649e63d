namespace Autobuilder.BuildRunner.Tests;

public class BuildRunnerExitCodesTests
{
    [Theory]
    [InlineData(0, BuildOutcome.Success)]
    [InlineData(1, BuildOutcome.BuildFailed)]
    [InlineData(2, BuildOutcome.DepWait)]
    [InlineData(3, BuildOutcome.BadSource)]
    [InlineData(4, BuildOutcome.InfrastructureError)]
    public void Should_map_each_documented_code_to_its_outcome_When_read(int code, BuildOutcome outcome)
    {
        var read = BuildRunnerExitCodes.ToOutcome(code);

        Assert.Equal(outcome, read);
        Assert.Equal(code, BuildRunnerExitCodes.FromOutcome(outcome));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(124)]
    [InlineData(126)]
    [InlineData(127)]
    [InlineData(137)] // SIGKILL
    [InlineData(143)] // SIGTERM
    [InlineData(255)]
    [InlineData(-1)]
    public void Should_read_InfrastructureError_When_the_code_is_not_one_the_runner_chooses(int code)
    {
        var read = BuildRunnerExitCodes.ToOutcome(code);

        Assert.Equal(BuildOutcome.InfrastructureError, read);
    }

    [Fact]
    public void Should_round_trip_every_outcome_When_mapped_to_a_code_and_a_state_word()
    {
        // Cancelled is the executor's verdict, not the runner's: it has a word but no exit code.
        foreach (var outcome in Enum.GetValues<BuildOutcome>().Where(o => o != BuildOutcome.Cancelled))
        {
            Assert.Equal(outcome, BuildRunnerExitCodes.ToOutcome(BuildRunnerExitCodes.FromOutcome(outcome)));
            Assert.Equal(outcome, BuildRunnerFiles.ParseOutcomeWord(BuildRunnerFiles.OutcomeWord(outcome)));
        }
    }

    [Fact]
    public void Should_refuse_an_exit_code_for_Cancelled_When_asked_since_the_runner_never_chooses_it()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BuildRunnerExitCodes.FromOutcome(BuildOutcome.Cancelled));
        Assert.Equal(BuildOutcome.Cancelled, BuildRunnerFiles.ParseOutcomeWord(BuildRunnerFiles.OutcomeWord(BuildOutcome.Cancelled)));
    }
}
