using Autobuilder.Chaos;

namespace Autobuilder.Silo.Tests.Chaos;

/// <summary>The chaos mix itself: a plan the end checks can hold the system to.</summary>
public sealed class ChaosPlanTests
{
    [Theory]
    [InlineData(30)]
    [InlineData(100)]
    public void Should_drop_each_repeat_of_the_same_files_only_after_the_previous_one_When_a_version_is_repeated(int uploads)
    {
        // Two repeats of one version dropped at once share their file names: the second replaces the
        // first in incoming before intake takes it, and the run counted one as lost (CI, seed 873207383).
        foreach (var seed in Enumerable.Range(0, 200).Append(873207383))
        {
            var plan = ChaosPlan.Make(uploads, new Random(seed));

            foreach (var same in plan.GroupBy(p => (p.Source, p.Version)).Where(g => g.Count() > 1))
            {
                var ordered = same.OrderBy(p => p.Index).ToList();
                for (var k = 1; k < ordered.Count; k++)
                    Assert.True(ordered[k].After == ordered[k - 1].Index,
                        $"seed {seed}: {ordered[k]} follows #{ordered[k].After}, not #{ordered[k - 1].Index}, the previous drop of the same files");
            }
        }
    }
}
