global using Autobuilder.BuildRunner;
global using Orleans.Concurrency;

// BuildOutcome is the build runner's own contract (no Orleans there); generate its codec here.
[assembly: Orleans.GenerateCodeForDeclaringAssembly(typeof(BuildOutcome))]
