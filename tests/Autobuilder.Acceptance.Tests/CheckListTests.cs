namespace Autobuilder.Acceptance.Tests;

/// <summary>The lists' order and flow: collected refusals, gates, and final checks asked only of a clean upload.</summary>
public sealed class CheckListTests
{
    private sealed class Scripted(string name, CheckFlow flow, bool refuse, List<string> asked) : AcceptanceCheck<object>
    {
        public override string Name => name;
        public override string Question => $"{name}?";
        public override CheckFlow Flow => flow;

        public override Task<CheckOutcome> CheckAsync(object context)
        {
            asked.Add(name);
            return refuse ? Reject("f", null, null, null, $"{name} refused") : Pass();
        }
    }

    [Fact]
    public async Task Should_collect_refusals_and_stop_at_a_gate_When_checks_refuse()
    {
        var asked = new List<string>();
        var list = new CheckList<object>([
            new Scripted("a", CheckFlow.Collect, true, asked), new Scripted("b", CheckFlow.Collect, true, asked),
            new Scripted("gate", CheckFlow.Gate, true, asked), new Scripted("after", CheckFlow.Collect, false, asked)]);

        var run = await list.RunAsync(new object());

        Assert.Equal(["a", "b", "gate"], asked);
        Assert.Equal(["a refused", "b refused", "gate refused"], run.Rejections.Select(r => r.Reason));
        Assert.Equal(["after"], run.NotRun);
    }

    [Fact]
    public async Task Should_not_ask_a_final_check_When_anything_refused_before_it()
    {
        var asked = new List<string>();
        var list = new CheckList<object>([new Scripted("a", CheckFlow.Collect, true, asked), new Scripted("takes-the-version", CheckFlow.Final, false, asked)]);

        var run = await list.RunAsync(new object());

        Assert.Equal(["a"], asked);
        Assert.Equal(["takes-the-version"], run.NotRun);
        Assert.False(run.Accepted);
    }

    [Fact]
    public void Should_keep_the_garages_order_When_the_list_is_read()
    {
        Assert.Equal(["files-taken", "dsc-well-formed", "source-name", "version-syntax", "dsc-name", "file-names", "file-sums", "product-known", "architectures-buildable",
            "changes-readable", "changes-names-dsc", "changes-matches-dsc", "changes-checksums", "changed-by", "signature-present", "signature-valid", "signature-time",
            "signer-account", "uploader-account", "source-ownership", "upload-right", "version-newer"],
            AcceptanceLists.SourceUpload.Checks.Select(c => c.Name));
        // The registry takes the version it accepts: asked last, of a clean upload only.
        Assert.Equal(CheckFlow.Final, AcceptanceLists.SourceUpload.Checks[^1].Flow);
    }

    [Fact]
    public void Should_share_the_common_checks_When_both_lists_hold_them()
    {
        var shared = AcceptanceLists.SourceUpload.Checks.Select(c => (object)c).Intersect(AcceptanceLists.StageChanges.Checks).Cast<IAcceptanceCheck<IControlFileFacts>>();

        Assert.Equal(["source-name", "version-syntax", "file-names", "file-sums"], shared.Select(c => c.Name));
        Assert.Equal(AcceptanceLists.StageChanges.Checks.Count, AcceptanceLists.StageChanges.Checks.Select(c => c.Name).Distinct().Count());
        Assert.All(AcceptanceLists.StageChanges.Checks, c => Assert.EndsWith("?", c.Question));
        Assert.All(AcceptanceLists.SourceUpload.Checks, c => Assert.EndsWith("?", c.Question));
    }
}
