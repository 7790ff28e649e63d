using Autobuilder.Grains;

namespace Autobuilder.Admin.Commands.Repo;

/// <summary>Prints a QA command's answer: the sentence and each reason (or JSON); exit 0 when done, 1 when refused.</summary>
public static class QaOutput
{
    public static int Write(QaAnswer answer, bool json)
    {
        if (json)
        {
            Output.WriteJson(answer);
            return answer.Ok ? 0 : 1;
        }
        if (answer.Ok)
            Console.WriteLine(answer.Message);
        else
            ConsoleErrors.Error(answer.Message);
        foreach (var reason in answer.Reasons)
            (answer.Ok ? Console.Out : Console.Error).WriteLine($"  {reason.Kind}: {reason.Text}");
        return answer.Ok ? 0 : 1;
    }

    /// <summary>The distribution of a REPO[/PRODUCT] argument: the product named, or the repository's only one.</summary>
    public static async Task<string> DistributionAsync(IGrainFactory grains, string text, string what)
    {
        var target = RepoTarget.Parse(text, what);
        if (target.Product is not null)
            return target.Key;
        var info = await grains.GetGrain<IRepositoryGrain>(target.Repository).GetInfoAsync();
        return info.Products.Count == 1
            ? $"{target.Repository}/{info.Products[0]}"
            : throw new ConsoleException($"{what}: {target.Repository} has several products ({string.Join(", ", info.Products)}); name one: {target.Repository}/PRODUCT");
    }
}
