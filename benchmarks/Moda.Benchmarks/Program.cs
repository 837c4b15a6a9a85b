using BenchmarkDotNet.Running;

// Run with a filter, e.g. dotnet run -c Release -- --filter '*ParsingBenchmarks*' --job short
// (without one, and without a terminal to choose from, BenchmarkDotNet runs nothing). See ../README.md.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
