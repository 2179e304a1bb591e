using BenchmarkDotNet.Running;

// dotnet run -c Release --project loadtests/Benchmarks -- --filter '*' --job short
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
