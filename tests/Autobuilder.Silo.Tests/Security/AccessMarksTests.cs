using System.Reflection;
using Autobuilder.Grains;
using Autobuilder.Grains.Security;
using Autobuilder.Silo.Security;

namespace Autobuilder.Silo.Tests.Security;

/// <summary>Every grain method says who may call it, so a new method cannot be silently open.</summary>
public sealed class AccessMarksTests
{
    private static IEnumerable<MethodInfo> GrainMethods() =>
        typeof(IUploadGrain).Assembly.GetTypes()
            .Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly));

    [Fact]
    public void Should_mark_every_grain_interface_method_with_the_role_it_needs()
    {
        var methods = GrainMethods().ToList();
        var unmarked = methods.Where(m => m.GetCustomAttribute<AccessAttribute>() is null)
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}").ToList();

        Assert.True(methods.Count > 60, $"found only {methods.Count} grain methods: the scan is broken");
        Assert.True(unmarked.Count == 0, $"grain methods without [Reader]/[Operator]/[Admin]/[SiloOnly]: {string.Join(", ", unmarked)}");
    }

    [Fact]
    public void Should_close_the_silos_internal_methods_and_the_destructive_ones_When_marked()
    {
        AccessRole Of<T>(string name) => AccessMap.Needed(typeof(T).GetMethod(name));

        Assert.All(typeof(IHostFilesGrain).GetMethods(), m => Assert.Equal(AccessRole.Silo, AccessMap.Needed(m)));
        Assert.Equal(AccessRole.Silo, Of<IUploadGrain>(nameof(IUploadGrain.ReceiveAsync)));
        Assert.Equal(AccessRole.Silo, Of<IBuildSchedulerGrain>(nameof(IBuildSchedulerGrain.AttemptEndedAsync)));
        Assert.Equal(AccessRole.Silo, Of<IDistributionGrain>(nameof(IDistributionGrain.RemoteSyncDoneAsync)));
        Assert.Equal(AccessRole.Admin, Of<IBuilderRegistryGrain>(nameof(IBuilderRegistryGrain.AddAsync)));
        Assert.Equal(AccessRole.Admin, Of<IDistributionGrain>(nameof(IDistributionGrain.RemoveAsync)));
        Assert.Equal(AccessRole.Admin, Of<IDistributionGrain>(nameof(IDistributionGrain.RollbackAsync)));
        Assert.Equal(AccessRole.Operator, Of<IUploadGrain>(nameof(IUploadGrain.RetryAsync)));
        Assert.Equal(AccessRole.Operator, Of<IRepositoryGrain>(nameof(IRepositoryGrain.PromoteAsync)));
        Assert.Equal(AccessRole.Reader, Of<IUploadGrain>(nameof(IUploadGrain.ReadLogAsync)));
        // Not ours (Orleans' own management grain): closed to clients.
        Assert.Equal(AccessRole.Silo, AccessMap.Needed(typeof(IManagementGrain).GetMethods().First(m => m.Name == nameof(IManagementGrain.GetHosts))));
    }

    [Theory]
    [InlineData(AccessRole.Reader, AccessRole.Reader, true)]
    [InlineData(AccessRole.Reader, AccessRole.Operator, false)]
    [InlineData(AccessRole.Operator, AccessRole.Operator, true)]
    [InlineData(AccessRole.Operator, AccessRole.Admin, false)]
    [InlineData(AccessRole.Admin, AccessRole.Admin, true)]
    [InlineData(AccessRole.Admin, AccessRole.Silo, false)]
    [InlineData(AccessRole.Silo, AccessRole.Silo, true)]
    [InlineData(AccessRole.None, AccessRole.Reader, false)]
    public void Should_allow_a_role_only_what_it_holds_When_checked(AccessRole held, AccessRole needed, bool allowed) =>
        Assert.Equal(allowed, held.Allows(needed));
}
