using System.Text.Json.Nodes;
using Autobuilder.Grains;
using Autobuilder.Grains.Security;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Uploaders;

/// <summary>
/// An operator's <c>autobuilder upload</c> of an unsigned package into incoming/ on a silo whose
/// uploads need an account with the right (Uploaders:RequireRights, policy "none" so the signature
/// check does not refuse it first): the real console claims the .dsc over its certificate, the
/// upload records that certificate's name as its uploader, <c>uploads show</c> shows it, and the
/// upload is refused with a reason that says an operator's certificate carries no upload right.
/// </summary>
public sealed class OperatorUploadTests
{
    [Fact]
    public async Task Should_record_the_operator_and_refuse_for_want_of_a_right_When_an_operator_uploads_unsigned_where_rights_are_required()
    {
        // Arrange
        using var root = new TempDir("ab-operator-upload-");
        await using var silo = new SiloProcess(root["var"], config =>
            config["Autobuilder"]!["Uploaders"] = new JsonObject { ["Signatures"] = "none", ["RequireRights"] = true });
        await silo.StartAsync();
        var dsc = new SourcePackage(Name: "ab-operator-up").BuildSource(root["scratch"].EnsureFolder());
        var operatorName = CertificateNames.ForCurrentUser();

        // Act: the real console, with this silo's gateway and the admin certificate it made.
        var upload = AdminCli.Run(silo, "upload", dsc, "--data-root", root["var"], "--product", "bookworm", "--no-sign").Ok();
        var done = await Uploads.WaitAsync(silo, "ab-operator-up", d => d.Summary.State is UploadState.Rejected or UploadState.Done, "rejected");
        var show = AdminCli.Run(silo, "uploads", "show", done.Summary.Id).Ok().Stdout;

        // Assert
        Assert.Contains($"recorded as put into incoming by '{operatorName}'", upload.Stdout);
        Assert.Equal(operatorName, done.Origin?.Operator);
        Assert.Equal(UploadState.Rejected, done.Summary.Outcome);
        Assert.Contains($"unsigned by operator {operatorName} with 'autobuilder upload'", string.Join("; ", done.Problems));
        Assert.Contains("carries no upload right", string.Join("; ", done.Problems));
        Assert.Contains($"'autobuilder upload' by operator {operatorName}", show);
        Assert.Contains($"Origin:   incoming/ on the garage ('autobuilder upload' by operator {operatorName}", show);
    }
}
