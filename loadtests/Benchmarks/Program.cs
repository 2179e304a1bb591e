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
        foreach (var (name, send) in new (string, Func<ValueTask<int>>)[] { ("hit", bench.Hit), ("miss", bench.Miss), ("429", bench.Reject429), ("401", bench.Reject401) })
        {
            await send();
            Console.WriteLine($"  {name}: {string.Join(", ", bench.LastResponseHeaders.Select(h => $"{h.Key}: {h.Value}"))}");
        }
        await bench.CleanupAsync();
    }

    return;
}

// dotnet run -c Release --project loadtests/Benchmarks -- alloc-profile embedded hit   (types allocated on one arm)
if (args is ["alloc-profile", var storeName, var arm, ..])
{
    var bench = new PipelineBenchmarks { Store = storeName };
    await bench.SetupAsync();
    Func<ValueTask<int>> send = arm switch
    {
        "hit" => bench.Hit,
        "miss" => bench.Miss,
        "429" => bench.Reject429,
        "401" => bench.Reject401,
        _ => bench.Empty,
    };
    for (var i = 0; i < 20_000; i++)
    {
        await send();
    }

    using var sampler = new AllocationSampler();
    var before = GC.GetTotalAllocatedBytes(precise: true);
    sampler.Start();
    const int requests = 100_000;
    for (var i = 0; i < requests; i++)
    {
        await send();
    }

    sampler.Stop();
    var perRequest = (GC.GetTotalAllocatedBytes(precise: true) - before) / requests;
    Console.WriteLine($"{storeName} {arm}: {perRequest} bytes per request (all threads); AllocationTick samples (one per ~100 KB) by type:");
    foreach (var (type, samples) in sampler.Top.Take(30))
    {
        Console.WriteLine($"{samples,8}  {type}");
    }

    await bench.CleanupAsync();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Gateway.Benchmarks.CacheBenchmarks).Assembly).Run(args);
