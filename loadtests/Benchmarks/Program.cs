using BenchmarkDotNet.Running;
using Gateway.Benchmarks.Pipeline;

// dotnet run -c Release --project loadtests/Benchmarks -- --filter '*' --job short
// dotnet run -c Release --project loadtests/Benchmarks -- check-pipeline     (one request per arm, no measuring)
if (args is ["check-pipeline", ..])
{
    foreach (var store in new[] { "embedded", "redis" })
    {
        var bench = new PipelineBenchmarks { Store = store };
        await bench.SetupAsync();
        Console.WriteLine($"{store}: hit {await bench.Hit()}, miss {await bench.Miss()}, 429 {await bench.Reject429()}, 401 {await bench.Reject401()}, empty {await bench.Empty()}");
        await bench.CleanupAsync();
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Gateway.Benchmarks.CacheBenchmarks).Assembly).Run(args);
