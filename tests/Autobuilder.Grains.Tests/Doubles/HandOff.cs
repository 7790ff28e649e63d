namespace Autobuilder.Grains.Tests.Doubles;

/// <summary>One call of <see cref="RecordingResultHandoff.HandOffAsync"/>.</summary>
public sealed record HandOff(string ResultsFolder, string Repository, string Product);
