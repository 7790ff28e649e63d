namespace Autobuilder.Grains.Tests.Doubles;

/// <summary>One build's results offered to a distribution (<see cref="FakeDistributionGrain"/>), as the tests read it.</summary>
public sealed record HandOff(string ResultsFolder, string Repository, string Product);
