namespace Autobuilder.Grains.Tests.Doubles;

/// <summary>One attempt that reached <see cref="ScriptedBuildExecutor"/>: which build, which attempt, on which slot.</summary>
public sealed record ExecutorRun(string BuildId, int Attempt, string Slot, DateTimeOffset Started);
