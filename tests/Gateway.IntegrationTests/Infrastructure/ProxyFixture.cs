using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// One gateway in front of one WireMock upstream, shared by every test in <see cref="ProxyCollection"/>:
/// route <c>default</c> (<c>/{**catch-all}</c>) goes to <see cref="Upstream"/>, route <c>down</c>
/// (<c>/down/{**rest}</c>) to a closed port. The JWT settings accept the HS256 test key (RS256 gateways, where HS256 is
/// refused, are in <c>Security/SigningKeyTests</c>). WireMock answers every request with 200 <c>upstream-ok</c>. Tier timeouts are
/// relaxed (<see cref="GatewayConfigBuilder.WithRelaxedTimeouts"/>): deadlines are tested in <see cref="TimingCollection"/>.
/// </summary>
/// <remarks>Tests of the collection run one after another, so each may call <see cref="ResetUpstream"/> first and then assert on <c>Upstream.LogEntries</c>.</remarks>
public sealed class ProxyFixture : IAsyncLifetime
{
    private GatewayInstance? _gateway;
    private WireMockServer? _upstream;

    /// <summary>The gateway under test.</summary>
    public GatewayInstance Gateway => _gateway ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>The WireMock upstream behind route <c>default</c>.</summary>
    public WireMockServer Upstream => _upstream ?? throw new InvalidOperationException("Not initialized.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _upstream = WireMockUpstream.Start();
        var config = new GatewayConfigBuilder()
            .WithUpstream(_upstream.Url!)
            .WithRoute("down", "/down/{**rest}", FreePort.ClosedPortUrl())
            .WithRelaxedTimeouts();
        _gateway = await GatewayInstance.StartAsync(config);
        ResetUpstream();
        await WarmUpAsync(_gateway);
        ResetUpstream();
    }

    /// <summary>
    /// Sends one request through the whole proxy path (token validation, YARP, WireMock's first request), so the
    /// one-off JIT and initialisation cost does not land in a test that measures latency against a tier budget.
    /// </summary>
    public static async Task WarmUpAsync(GatewayInstance gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        using var warmUp = await gateway.GetAsync("/warm-up", TestTokens.For(GatewayConfigBuilder.SilverTenant));
        await warmUp.Content.ReadAsByteArrayAsync();
    }

    /// <summary>Forgets recorded requests and restores the default mapping (any request: 200 <c>upstream-ok</c>).</summary>
    public void ResetUpstream()
    {
        Upstream.Reset();
        Upstream.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/plain").WithBody("upstream-ok"));
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        _upstream?.Stop();
        _upstream?.Dispose();
    }
}

/// <summary>Tests sharing one <see cref="ProxyFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ProxyCollection : ICollectionFixture<ProxyFixture>
{
    /// <summary>Collection name for <c>[Collection(ProxyCollection.Name)]</c>.</summary>
    public const string Name = "Proxy";
}
