using LoadDriver;
using LoadDriver.Commands;

if (args.Length > 0 && args[0] == "serve")
{
    return await ServeCommand.RunAsync(args[1..]);
}

if (args.Length > 0 && ScenarioCommand.Names.Contains(args[0]))
{
    return await ScenarioCommand.RunAsync(args[0], args[1..]);
}

Console.Error.WriteLine($"""
    usage: dotnet run -c Release --project loadtests/LoadDriver -- <command> [options]

      serve          start the simulated RAG backend and the gateway in front of it (Ctrl+C stops both)
      isolation      SPEC §8 isolation proof: one tenant spikes; protections on, then the control without them
      sla            SPEC §8 tier SLAs: p95 inside the budget, >= 99.5% answered within it
      cache          SPEC §8 hit rate above 75% per tenant (Zipf workload)
      paraphrase     the cache scenario in other words: Zipf over intents, several wordings each; exact-only vs
                     exact + semantic cache (embedded model), hit rates and the CPU added per lookup
      invalidation   SPEC §8 invalidation affects only the invalidated tenant
      all            isolation, sla, cache and invalidation in one report
      smoke          short functional isolation run for CI (< 30 s; no timing assertions)
      attacks        adversarial isolation suite: attack shapes (a)-(g), protections on and control (~8 min)
      attacks-smoke  the attack suite's CI run: protections only, short windows, no timing assertions (~1.5 min)

    options (scenario commands):
    {DriverOptions.Usage}
    Reports: <out>/report.md and <out>/report.html. Exit code 0 = every criterion passed, 1 = one failed, 2 = set-up error.
    """);
return 64;
