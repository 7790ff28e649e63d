using Autobuilder.BuildRunner;
using Autobuilder.Grains;

namespace Autobuilder.Silo.Execution;

/// <summary>The build runner's arguments for a build on a slot, one value each, the same for every executor.</summary>
public static class RunnerArguments
{
    public static IReadOnlyList<string> For(BuildRequest build, SlotConfig slot)
    {
        List<string> args =
        [
            "--dsc", build.DscFileName, "--arch", build.Architecture, "--mode", slot.Mode,
            "--build-type", build.Type.ToString().ToLowerInvariant(),
        ];
        if (slot.Mode == SlotConfig.ChrootMode)
        {
            // The product is the distribution codename: it picks the tarball and is what the
            // .changes says it was built for.
            args.AddRange(["--dist", build.Product, "--chroot-tarball", ChrootTarball.PathFor(slot.ChrootTarballs, build.Product, build.Architecture)]);
        }
        return args;
    }
}
