using System.Diagnostics;
using System.Globalization;
using LoadDriver.Hosting;
using LoadDriver.Load;

namespace LoadDriver.Scenarios.Attacks;

/// <summary>What one attack shape needs while it runs: the arm's recorder, the attacker, where to send, and when.</summary>
/// <param name="Driver">The driver context (tokens, scenario file).</param>
/// <param name="Recorder">The arm's recorder; closed-loop attacks record into it themselves.</param>
/// <param name="Attacker">The attacking tenant.</param>
/// <param name="Target">The gateway, or the backend for a control without it.</param>
/// <param name="Direct">True when there is no gateway: requests carry the tenant header the gateway would have set.</param>
/// <param name="Start">Second of the timeline the attack starts.</param>
/// <param name="Duration">Seconds it lasts.</param>
/// <param name="RunId">Makes this arm's query texts its own.</param>
/// <param name="Scale">Workers of the closed-loop attacks are multiplied by it (the CI run uses fewer).</param>
/// <param name="Rehearsal">Where in the warm-up a shape may rehearse its attack (<see cref="AttackWorkload.AddRehearsal"/>); null for a cold run.</param>
internal sealed record AttackContext(DriverContext Driver, Recorder Recorder, Tenant Attacker, Uri Target, bool Direct, double Start, double Duration, string RunId, double Scale, (double Start, double Seconds)? Rehearsal = null)
{
    public string Token => Driver.Tokens[Attacker.Id];

    public int Workers(int full) => Math.Max(2, (int)Math.Round(full * Scale));
}

/// <summary>The attack's load: open-loop streams through the generator, and closed-loop workers started at the attack's start.</summary>
internal sealed class AttackWorkload : IAsyncDisposable
{
    private int _held;

    public List<LoadStream> Streams { get; } = [];

    public List<TimedAction> Actions { get; } = [];

    /// <summary>Things to dispose after the arm (a client with a long timeout).</summary>
    public List<IDisposable> Owned { get; } = [];

    /// <summary>Closed-loop attempts (streams, uploads) still held open by the attacker when the attack ended.</summary>
    public int HeldAtEnd => Volatile.Read(ref _held);

    /// <summary>
    /// <paramref name="workers"/> loops, each repeating <paramref name="attempt"/> from the attack's start to its end and
    /// recording every outcome for the attacker in group <c>attack</c>; after a refusal a worker pauses
    /// <paramref name="pause"/>. An attempt still open at the end (it returns null, or is cancelled) counts as held.
    /// </summary>
    public void AddClosedLoop(AttackContext a, int workers, TimeSpan pause, Func<int, CancellationToken, Task<QueryOutcome?>> attempt) =>
        AddClosedLoop(a, a.Start, a.Duration, AttackSuite.AttackPhase, workers, pause, attempt);

    /// <summary>
    /// The same loops, small, in the warm-up (<see cref="AttackContext.Rehearsal"/>; nothing when the run is cold): the
    /// gateway has then served this kind of request before the baseline window, as a node that has been running for a
    /// while has, and the attack window measures isolation rather than the process's first use of that code. Its
    /// outcomes count in the warm-up phase; what it leaves open is closed when it ends and is not counted as held.
    /// </summary>
    public void AddRehearsal(AttackContext a, int workers, TimeSpan pause, Func<int, CancellationToken, Task<QueryOutcome?>> attempt)
    {
        if (a.Rehearsal is { } window)
        {
            AddClosedLoop(a, window.Start, window.Seconds, "warmup", workers, pause, attempt);
        }
    }

    private void AddClosedLoop(AttackContext a, double start, double seconds, string phase, int workers, TimeSpan pause, Func<int, CancellationToken, Task<QueryOutcome?>> attempt)
    {
        var counted = phase == AttackSuite.AttackPhase;
        Actions.Add(new TimedAction(start, async cancellationToken =>
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stop.CancelAfter(TimeSpan.FromSeconds(seconds));
            var stats = a.Recorder.Stats(a.Attacker.Id, phase, a.Attacker.TimeoutMs);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, workers).Select(async worker =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var sentAt = clock.Elapsed;
                    QueryOutcome? outcome;
                    try
                    {
                        outcome = await attempt(worker, stop.Token);
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                        outcome = null;
                    }

                    if (outcome is not { } done)
                    {
                        if (counted)
                        {
                            Interlocked.Increment(ref _held);
                        }

                        return;
                    }

                    var micros = (long)(clock.Elapsed - sentAt).TotalMicroseconds;
                    a.Recorder.Record(stats, AttackSuite.AttackGroup, (int)(start + sentAt.TotalSeconds), done, micros);
                    if (done.Kind != OutcomeKind.Ok)
                    {
                        await Task.Delay(pause, CancellationToken.None);
                    }
                }
            }));
        }));
    }

    public ValueTask DisposeAsync()
    {
        Owned.ForEach(o => o.Dispose());
        return ValueTask.CompletedTask;
    }
}

/// <summary>One attack shape of the suite: what the attacker does, and what the control leaves out.</summary>
/// <param name="Key">a … g.</param>
/// <param name="Title">Heading in the report.</param>
/// <param name="Attack">What the attacker sends, in words.</param>
/// <param name="Guard">What is meant to stop it.</param>
/// <param name="ControlWithoutGateway">The control sends the same load straight to the backend (the guard, authentication, cannot be switched off).</param>
/// <param name="VictimsReadCached">Victims ask repeated (Zipf) questions answered from the cache, rather than unique ones.</param>
/// <param name="LongBudgetAttacker">The attacker's tier has a 30 s budget (<c>batch</c>) instead of 1 s.</param>
/// <param name="Build">Creates the attack's load for one arm.</param>
internal sealed record AttackShape(
    string Key,
    string Title,
    string Attack,
    string Guard,
    bool ControlWithoutGateway,
    bool VictimsReadCached,
    bool LongBudgetAttacker,
    Func<AttackContext, AttackWorkload> Build)
{
    /// <summary>The attacker's QPS limit in every shape.</summary>
    public const int AttackerLimit = 50;

    /// <summary>Service time of the attacker's slow queries: 20 × the backend's median of 20 ms.</summary>
    public const int SlowQueryMs = 400;

    /// <summary>How long an attacker's stream would last if nothing ended it.</summary>
    public const int StreamHoldMs = 30_000;

    /// <summary>Bytes a stalled upload sends before it stalls (under the 1 MB body limit).</summary>
    public static readonly int UploadBytes = int.TryParse(Environment.GetEnvironmentVariable("EXP_UPLOAD"), out var u) ? u : 900 * 1024;

    /// <summary>Bytes a rehearsal upload sends before it stalls: four of the buffer's segments.</summary>
    public const int RehearsalUploadBytes = 64 * 1024;

    /// <summary>Size of the attacker's answers in the quota-filling shape: ten seconds at 45 req/s pass the 64 MB bound.</summary>
    public const int LargeAnswerBytes = 160 * 1024;

    public static readonly IReadOnlyList<AttackShape> All =
    [
        new("a", "(a) QPS flood at 10× the limit",
            $"{10 * AttackerLimit} req/s of unique questions, ten times its {AttackerLimit} req/s limit",
            "the rate limiter (429) and the fair queue", false, false, false,
            a => Open(a, "flood", 10 * AttackerLimit, configure: null)),
        new("b", "(b) Slow queries under the QPS limit",
            $"{AttackerLimit / 2} req/s (half its limit) of questions the backend takes {SlowQueryMs} ms to answer (20× normal; X-Sim-Delay-Ms)",
            "concurrency shares and slot-time charging in the fair queue", false, false, false,
            a => Open(a, "slow", AttackerLimit / 2, Header("X-Sim-Delay-Ms", SlowQueryMs))),
        new("c", "(c) Long SSE streams held open",
            $"16 workers each holding a server-sent-event stream open for {StreamHoldMs / 1000} s (X-Sim-Stream-Ms), reopening it as soon as it ends",
            "concurrency shares (a stream keeps its slot while it lasts) and the tier's MaxStreamSeconds (5 s here)", false, false, false,
            Streams),
        new("d", "(d) Stalled slow uploads",
            $"128 workers each sending {UploadBytes / 1024} KB of a chunked body that never ends, from a tenant with a 30 s budget; after an answer a worker waits 1 s (its Retry-After) and starts again",
            "bodies buffered only after the rate limiter, under the deadline, within Limits:MaxBufferedBytes and the tenant's share (503)", false, false, true,
            Uploads),
        new("e", "(e) Flood of requests with bad tokens",
            "400 req/s with a distinct badly signed token each",
            "authentication before anything else (401); the control sends the flood straight to the backend", true, false, false,
            BadTokens),
        new("f", "(f) Invalidation storm while the others read cached answers",
            "50 invalidations/s of its own cache while reading 400 req/s of repeated questions (8× its limit): every read becomes a miss",
            "the rate limiter on its reads and the admin invalidation limit (Gateway:Admin:InvalidationsPerMinute) on its invalidations", false, true, false,
            Invalidations),
        new("g", "(g) Unique queries filling the attacker's cache quota",
            $"45 req/s (under its limit) of unique questions with {LargeAnswerBytes / 1024} KB answers (X-Sim-Answer-Bytes)",
            "the embedded store's bound (Cache:EmbeddedMaxBytes, 64 MB here): the attacker's quota is its tier's share of it", false, true, false,
            a => Open(a, "fill", 45, Header("X-Sim-Answer-Bytes", LargeAnswerBytes))),
    ];

    private static Action<HttpRequestMessage> Header(string name, int value) =>
        r => r.Headers.Add(name, value.ToString(CultureInfo.InvariantCulture));

    private static AttackWorkload Open(AttackContext a, string name, double rate, Action<HttpRequestMessage>? configure)
    {
        var workload = new AttackWorkload();
        workload.Streams.Add(AttackSuite.Stream(a, $"attack_{name}", a.Attacker, AttackSuite.AttackGroup, rate, a.Start, a.Duration, cached: false, configure));
        return workload;
    }

    private static AttackWorkload Streams(AttackContext a)
    {
        var workload = new AttackWorkload();
        var client = new RagClient(a.Target, TimeSpan.FromMilliseconds(StreamHoldMs) + TimeSpan.FromSeconds(30));
        workload.Owned.Add(client);
        var configure = AttackSuite.Direct(a, a.Attacker, r =>
        {
            r.Headers.Accept.ParseAdd("text/event-stream");
            r.Headers.Add("X-Sim-Stream-Ms", StreamHoldMs.ToString(CultureInfo.InvariantCulture));
        });
        var opened = 0L;
        workload.AddClosedLoop(a, a.Workers(16), TimeSpan.FromMilliseconds(100), async (worker, stop) =>
            await client.QueryAsync(a.Token, a.Driver.Run.QueryText(a.RunId, $"stream-{worker}-{Interlocked.Increment(ref opened)}"), stop, configure));
        return workload;
    }

    private static AttackWorkload Uploads(AttackContext a)
    {
        var workload = new AttackWorkload();
        var payload = new byte[UploadBytes];
        Array.Fill(payload, (byte)'x');
        workload.AddClosedLoop(a, a.Workers(128), TimeSpan.FromSeconds(1), (_, stop) => StalledUpload.SendAsync(a.Target, a.Token, payload, stop));

        // Uploads refused before their body, chunked bodies read to the budget, refusals closing the connection: code the
        // baseline never runs. A fresh process compiles it (and tiers it up) in the attack's first second otherwise, which
        // costs the victims about twice their p95 in that second once per process (RESULTS.md §5). Small bodies, so the
        // memory the attack needs (its share of the buffer budget, the connections' read-ahead) still grows in the attack.
        var rehearsal = payload.AsSpan(0, RehearsalUploadBytes).ToArray();
        workload.AddRehearsal(a, a.Workers(128), TimeSpan.FromSeconds(1), (_, stop) => StalledUpload.SendAsync(a.Target, a.Token, rehearsal, stop));
        return workload;
    }

    private static AttackWorkload BadTokens(AttackContext a)
    {
        // Well-formed tokens with a wrong signature, each one distinct, so no validation result can be reused.
        var parts = a.Token.Split('.');
        var random = new Random(7);
        var count = (int)Math.Ceiling(400 * a.Duration) + 1;
        var tokens = Enumerable.Range(0, count).Select(_ =>
        {
            var signature = new byte[32];
            random.NextBytes(signature);
            return $"{parts[0]}.{parts[1]}.{Convert.ToBase64String(signature).TrimEnd('=').Replace('+', '-').Replace('/', '_')}";
        }).ToArray();
        var workload = new AttackWorkload();
        var configure = AttackSuite.Direct(a, a.Attacker, null);
        var stream = AttackSuite.Stream(a, "attack_badtoken", a.Attacker, AttackSuite.AttackGroup, 400, a.Start, a.Duration, cached: false, null);
        workload.Streams.Add(stream with
        {
            Send = (client, index, query, stop) => client.QueryAsync(tokens[index % tokens.Length], query, stop, configure),
        });
        return workload;
    }

    private static AttackWorkload Invalidations(AttackContext a)
    {
        var workload = new AttackWorkload();
        workload.Streams.Add(AttackSuite.Stream(a, "attack_reads", a.Attacker, AttackSuite.AttackGroup, 8 * AttackerLimit, a.Start, a.Duration, cached: true, null));
        var invalidations = AttackSuite.Stream(a, "attack_invalidate", a.Attacker, AttackSuite.AdminGroup, 50, a.Start, a.Duration, cached: false, null);

        // Invalidating its own cache needs the tenant-admin scope; a plain tenant token is refused (403) before the limit.
        var adminToken = TestBed.MintTenantToken(a.Driver.Run.File, a.Attacker.Id, DateTimeOffset.UtcNow, Gateway.Config.Options.JwtOptions.DefaultTenantAdminScope);
        workload.Streams.Add(invalidations with
        {
            Send = async (client, _, _, stop) =>
            {
                var (status, _) = await client.InvalidateAsync(a.Attacker.Id, adminToken, stop);
                return status == 0 ? QueryOutcome.Transport : new QueryOutcome(status, QueryOutcome.Classify(status), null, a.Attacker.Id, false);
            },
        });
        return workload;
    }
}
