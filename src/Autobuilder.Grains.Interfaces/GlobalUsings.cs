global using Autobuilder.BuildRunner;
global using Orleans.Concurrency;

// BuildOutcome is shared with the build runner's contract (src/Autobuilder.BuildOutcome, no Orleans there); generate its codec here.
[assembly: Orleans.GenerateCodeForDeclaringAssembly(typeof(BuildOutcome))]
