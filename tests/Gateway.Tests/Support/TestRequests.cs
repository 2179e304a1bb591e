using System.Text.Json;
using Gateway.Config.Settings;
using Gateway.Transforms.Infrastructure.Context;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Gateway.Tests.Support;

/// <summary>Requests as a proxy stage sees them: state from the edge, YARP's route and cluster, a readable response body.</summary>
internal static class TestRequests
{
    /// <summary>Cluster id of every test route.</summary>
    public const string Cluster = "rag";

    /// <summary>Route id of every test route.</summary>
    public const string Route = "rag-query";

    /// <summary>
    /// A request that arrived now under <paramref name="settings"/>, routed to <see cref="Route"/>, with the response
    /// body in memory; resolved to <paramref name="tenantId"/> (and <paramref name="subject"/>) when one is given.
    /// </summary>
    public static DefaultHttpContext Arrive(GatewaySettings settings, TimeProvider time, string? tenantId = null, string? subject = "user")
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        var request = new GatewayRequest(settings, time.GetTimestamp()) { ClientAborted = context.RequestAborted };
        if (tenantId is not null)
        {
            Assert.True(settings.Table.TryResolve(tenantId, out var tenant), tenantId);
            request.SetTenant(tenant, subject);
        }

        context.Features.Set(request);
        context.Features.Set<IReverseProxyFeature>(new ReverseProxyFeature
        {
            Route = new RouteModel(new RouteConfig { RouteId = Route, ClusterId = Cluster }, new ClusterState(Cluster), HttpTransformer.Empty),
            Cluster = new ClusterModel(new ClusterConfig { ClusterId = Cluster }, new HttpMessageInvoker(new SocketsHttpHandler())),
            AllDestinations = [],
            AvailableDestinations = [],
        });
        return context;
    }

    /// <summary>The gateway state of <paramref name="context"/>.</summary>
    public static GatewayRequest State(this HttpContext context) => context.Features.Get<GatewayRequest>()!;

    /// <summary>The response body, parsed as JSON.</summary>
    public static JsonElement ResponseJson(this HttpContext context)
    {
        context.Response.Body.Position = 0;
        using var document = JsonDocument.Parse(context.Response.Body);
        return document.RootElement.Clone();
    }
}
