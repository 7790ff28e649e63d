using System.Text.Json.Nodes;
using Autobuilder.Grains;

namespace Autobuilder.Silo.Tests.Uploaders;

/// <summary>
/// The README's two commands with the shipped quick-start settings (policy "none", the quick start's
/// account): the silo's first start makes an account for the user running it with a gpg key, and
/// <c>autobuilder upload</c> of the example package signs with it, so the upload is by that account.
/// </summary>
public sealed class QuickStartTests
{
    private static readonly string Checkout = Autobuilder.Testing.Checkout.Root;

    [Fact]
    public async Task Should_sign_with_the_quick_start_key_and_build_When_the_example_is_uploaded_with_the_shipped_settings()
    {
        using var root = new TempDir("ab-quickstart-");
        var shipped = JsonNode.Parse(File.ReadAllText(Path.Combine(Checkout, "silo-config", "all.json")))!["Autobuilder"]!["Uploaders"]!.DeepClone();
        await using var silo = new SiloProcess(root["var"], config => config["Autobuilder"]!["Uploaders"] = shipped);
        await silo.StartAsync();
        var login = Environment.UserName.ToLowerInvariant();
        var marker = Path.Combine(root["var"], "uploader-gnupg", "account-made");
        for (var i = 0; i < 300 && !File.Exists(marker); i++)
            await Task.Delay(200);
        Assert.True(File.Exists(marker), $"no quick-start account was made:\n{silo.Output}");

        var upload = Tool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "autobuilder.dll"), "upload", Path.Combine(Checkout, "examples", "hello-autobuilder_1.0.dsc"),
            "--data-root", root["var"], "--product", "bookworm"]).Ok();
        var done = await Uploads.WaitAsync(silo, "hello-autobuilder", d => d.Summary.State is UploadState.Done or UploadState.Rejected, "done", TimeSpan.FromMinutes(4));
        var status = AdminCli.Run(silo, "status").Ok().Stdout;

        Assert.Contains("signed with key", upload.Stdout);
        Assert.Equal(UploadState.Published, done.Summary.Outcome);
        Assert.Equal(login, done.Identity?.Account);
        Assert.StartsWith("OpenPGP signature on hello-autobuilder_1.0.dsc by key", done.Identity?.How);
        Assert.Contains("Warning:  OpenPGP policy 'none' for extras-devel", status);
    }
}
