namespace Autobuilder.Acceptance;

/// <summary>
/// One rule an upload must pass, in the manner of dak's daklib/checks.py: one question, answered
/// from the facts in the context (files already read, sums already computed, ports for the data a
/// silo holds). Contravariant, so a check written for a shared facet (<see cref="IControlFileFacts"/>)
/// sits in the garage's list and in the stage's.
/// </summary>
public interface IAcceptanceCheck<in TContext>
{
    /// <summary>The check's name as recorded with a rejection ("file-sums", "signature-valid"…).</summary>
    string Name { get; }

    /// <summary>The one question it answers, for <c>autobuilder deb verify</c> and the documentation.</summary>
    string Question { get; }

    /// <summary>How a refusal of this check (or one before it) bears on the rest of the list.</summary>
    CheckFlow Flow { get; }

    Task<CheckOutcome> CheckAsync(TContext context);
}

/// <summary>How a check sits in its list.</summary>
public enum CheckFlow
{
    /// <summary>Its refusal is collected and the list goes on: an uploader hears of every such problem at once.</summary>
    Collect,

    /// <summary>Its refusal ends the list: later checks would read what it found broken (an unreadable .dsc, an unsafe name).</summary>
    Gate,

    /// <summary>
    /// Asked only of an upload nothing refused so far, and its refusal ends the list: who sent it,
    /// their rights, and the version (the registry takes a version it accepts) are a clean upload's questions.
    /// </summary>
    Final,
}

/// <summary>The base of every check: its name, and helpers that fill in the rejection's shape.</summary>
public abstract class AcceptanceCheck<TContext> : IAcceptanceCheck<TContext>
{
    public abstract string Name { get; }

    public abstract string Question { get; }

    public virtual CheckFlow Flow => CheckFlow.Collect;

    public abstract Task<CheckOutcome> CheckAsync(TContext context);

    protected CheckRejection Rejection(string file, string? field, string? expected, string? found, string reason) =>
        new(Name, file, field, expected, found, reason);

    protected Task<CheckOutcome> Reject(string file, string? field, string? expected, string? found, string reason) =>
        Task.FromResult(CheckOutcome.Refused([Rejection(file, field, expected, found, reason)]));

    protected static Task<CheckOutcome> Result(IReadOnlyList<CheckRejection> rejections) =>
        Task.FromResult(rejections.Count == 0 ? CheckOutcome.Passed : CheckOutcome.Refused(rejections));

    protected static Task<CheckOutcome> Pass() => Task.FromResult(CheckOutcome.Passed);

    protected static Task<CheckOutcome> Skip(string why) => Task.FromResult(CheckOutcome.Skip(why));
}
