using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gateway.IntegrationTests.Security;

/// <summary>
/// What most attack tests start from: a WireMock upstream answering every request 200 <c>upstream-ok</c> behind the
/// catch-all route, and a gateway in front of it, warmed up, with the upstream's log emptied, so "the upstream saw
/// nothing" is a plain <c>Assert.Empty(Upstream.LogEntries)</c>.
/// </summary>
public sealed class AttackBed : IAsyncDisposable
{
    private AttackBed(WireMockServer upstream, GatewayInstance gateway)
    {
        Upstream = upstream;
        Gateway = gateway;
    }

    /// <summary>The upstream behind the catch-all route.</summary>
    public WireMockServer Upstream { get; }

    /// <summary>The gateway under attack.</summary>
    public GatewayInstance Gateway { get; }

    /// <summary>Starts the upstream and a gateway configured by <paramref name="configure"/> on top of the catch-all route.</summary>
    public static async Task<AttackBed> StartAsync(Func<GatewayConfigBuilder, GatewayConfigBuilder>? configure = null)
    {
        var upstream = WireMockUpstream.Start();
        upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("upstream-ok"));
        var config = new GatewayConfigBuilder().WithUpstream(upstream.Url!).WithRelaxedTimeouts();
        var gateway = await GatewayInstance.StartAsync(configure is null ? config : configure(config));
        using (var warm = await gateway.GetAsync("/warm", TestTokens.For(GatewayConfigBuilder.GoldTenant)))
        {
            upstream.ResetLogEntries();
        }

        return new AttackBed(upstream, gateway);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        Upstream.Stop();
        Upstream.Dispose();
    }
}

/// <summary>
/// One <see cref="AttackBed"/> for a whole test class (<c>IClassFixture</c>): tests of a class run one after another,
/// so each resets the upstream's log in its constructor and asserts on what it alone sent.
/// </summary>
public class AttackBedFixture : IAsyncLifetime
{
    private AttackBed? _bed;

    /// <summary>The bed, once started.</summary>
    public AttackBed Bed => _bed ?? throw new InvalidOperationException("Not initialized.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _bed = await AttackBed.StartAsync(Configure);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_bed is not null)
        {
            await _bed.DisposeAsync();
        }
    }

    /// <summary>The configuration on top of the catch-all route.</summary>
    protected virtual GatewayConfigBuilder Configure(GatewayConfigBuilder config) => config;
}

/// <summary>An <see cref="AttackBedFixture"/> whose gateway has a separate management listener.</summary>
public sealed class ManagementListenerBedFixture : AttackBedFixture
{
    /// <inheritdoc />
    protected override GatewayConfigBuilder Configure(GatewayConfigBuilder config) => config.WithManagementListener();
}

