using Autobuilder.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Autobuilder.Benchmarks.Pipeline;

/// <summary>
/// Counts the grain calls around the slots of the silo it is installed in: calls into slot grains
/// (the scheduler's assignments, the executor's completions) and calls slot grains make (to uploads
/// and the scheduler). Installed the same way in the one-silo and the cluster benchmark, so the
/// figures compare like with like; calls among garage grains, which in a cluster run in another
/// process out of this filter's sight, are not counted in either.
/// </summary>
public sealed class SlotCallCounter : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
{
    private long _calls;

    /// <summary>Set once the silo runs (a grain type comes from the silo's own grain factory).</summary>
    public GrainType? SlotType { get; set; }

    public long Calls => Interlocked.Read(ref _calls);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == typeof(IBuilderSlotGrain))
            Interlocked.Increment(ref _calls);
        return context.Invoke();
    }

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (SlotType is { } slot && context.SourceId is { } source && source.Type == slot)
            Interlocked.Increment(ref _calls);
        return context.Invoke();
    }

    /// <summary>Puts this counter into a silo's call pipeline, both directions.</summary>
    public void Install(ISiloBuilder silo)
    {
        silo.Services.AddSingleton<IIncomingGrainCallFilter>(this);
        silo.Services.AddSingleton<IOutgoingGrainCallFilter>(this);
    }

    public void Arm(IGrainFactory grains) => SlotType = grains.GetGrain<IBuilderSlotGrain>("any/any").GetGrainId().Type;
}
