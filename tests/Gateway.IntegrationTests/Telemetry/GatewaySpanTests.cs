using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Transforms.Infrastructure.Diagnostics;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Gateway.IntegrationTests.Telemetry;

/// <summary>The <c>gateway.request</c> span carries the decisions an operator traces: tenant, tier, cache, throttle.</summary>
public sealed class GatewaySpanTests
{
    [Fact]
    public async Task Span_CachedRouteMissThenHit_CarriesTenantTierCacheAndThrottleDecision()
    {
        // Arrange: a listener like the OTLP exporter's; spans of parallel tests are told apart by tenant.
        var tenant = "span-" + Guid.NewGuid().ToString("N")[..8];
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GatewayActivity.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem("gateway.tenant"), tenant))
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var upstream = WireMockUpstream.Start();
        upstream.Given(Request.Create().WithPath("/query").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{\"answer\":1}"));
        var config = new GatewayConfigBuilder()
            .WithRelaxedTimeouts()
            .WithRoute("rag", "/query", upstream.Url!, new Dictionary<string, string> { ["Cache"] = "true" })
            .WithTenant(tenant, "gold");
        await using var gateway = await GatewayInstance.StartAsync(config);

        // Act
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++)
        {
            var request = GatewayInstance.Request(HttpMethod.Post, "/query", TestTokens.For(tenant));
            request.Content = new StringContent("{\"query\":\"traced\"}", Encoding.UTF8, "application/json");
            using var response = await gateway.Client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        await Poll.UntilAsync(() => spans.Count >= 2, TimeSpan.FromSeconds(5));

        // Assert
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        var recorded = spans.ToArray();
        Assert.Equal(2, recorded.Length);
        Assert.All(recorded, span =>
        {
            Assert.Equal("gateway.request", span.OperationName);
            Assert.Equal("gold", span.GetTagItem("gateway.tier"));
            Assert.Equal("rag", span.GetTagItem("gateway.route"));
            Assert.Equal("admitted", span.GetTagItem("gateway.throttle"));
        });
        Assert.Equal(["miss", "hit"], recorded.Select(s => (string?)s.GetTagItem("gateway.cache")));
        Assert.Equal(["ok", "cache_hit"], recorded.Select(s => (string?)s.GetTagItem("gateway.outcome")));
    }

    [Fact]
    public async Task Traces_OtlpEndpointConfigured_ExportedOverOtlpHttp()
    {
        // Arrange: a collector stand-in; OpenTelemetry reads the standard OTEL_* keys from configuration.
        using var collector = WireMockUpstream.Start();
        collector.Given(Request.Create().WithPath("/v1/traces").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        using var upstream = WireMockUpstream.Start();
        upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        var config = new GatewayConfigBuilder()
            .WithRelaxedTimeouts()
            .WithUpstream(upstream.Url!)
            .With("OTEL_EXPORTER_OTLP_ENDPOINT", collector.Url!)
            .With("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
            .With("OTEL_BSP_SCHEDULE_DELAY", "100");
        await using var gateway = await GatewayInstance.StartAsync(config);

        // Act
        using var response = await gateway.Client.SendAsync(
            GatewayInstance.Request(HttpMethod.Get, "/anything", TestTokens.For(GatewayConfigBuilder.GoldTenant)));
        var exported = await Poll.UntilAsync(
            () => Task.FromResult(collector.LogEntries.Count(e => e.RequestMessage.Path == "/v1/traces")),
            count => count > 0,
            TimeSpan.FromSeconds(10));

        // Assert: the export is OTLP protobuf and names the gateway span.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(exported > 0, "no OTLP trace export reached the collector");
        var bodies = collector.LogEntries.Where(e => e.RequestMessage.Path == "/v1/traces").Select(e => e.RequestMessage.BodyAsBytes ?? []).ToList();
        Assert.Contains(bodies, b => Encoding.UTF8.GetString(b).Contains("gateway.request", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Traces_NoOtlpEndpoint_NoGatewaySpanIsCreatedForTheExporter()
    {
        // Arrange: without OTEL_EXPORTER_OTLP_ENDPOINT no tracer provider listens, so the gateway span is never started.
        using var upstream = WireMockUpstream.Start();
        upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder().WithRelaxedTimeouts().WithUpstream(upstream.Url!));

        // Act
        var provider = gateway.Services.GetService<OpenTelemetry.Trace.TracerProvider>();

        // Assert
        Assert.Null(provider);
    }
}
