using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Transforms.Diagnostics;
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
}
