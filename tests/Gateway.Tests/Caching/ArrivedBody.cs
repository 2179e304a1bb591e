using System.IO.Pipelines;
using System.Text;
using Gateway.Tests.Support;
using Gateway.Transforms.Caching;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Gateway.Tests.Caching;

/// <summary>
/// A POST to a caching route whose body sits in a pipe, as in Kestrel's receive buffer: whole (arrived) or with
/// <c>missing</c> bytes still to come.
/// </summary>
internal static class ArrivedBody
{
    public static readonly CacheRouteSettings Route = CacheRouteSettings.For(RouteConfig());

    public static async Task<(DefaultHttpContext Context, Pipe Pipe)> RequestAsync(TestGatewaySettings settings, string body, int missing = 0)
    {
        var context = TestRequests.Arrive(settings.Current, TimeProvider.System, TestGatewaySettings.Platinum);
        context.Request.Method = "POST";
        context.Request.Path = "/query";
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Request.ContentLength = bytes.Length + missing;
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(bytes);
        context.Features.Set<IRequestBodyPipeFeature>(new PipeBody(pipe.Reader));
        context.Features.Set<IReverseProxyFeature>(new ReverseProxyFeature
        {
            Route = new RouteModel(RouteConfig(), new ClusterState(TestRequests.Cluster), HttpTransformer.Empty),
            Cluster = context.Features.Get<IReverseProxyFeature>()!.Cluster,
            AllDestinations = [],
            AvailableDestinations = [],
        });
        return (context, pipe);
    }

    private static RouteConfig RouteConfig() => new()
    {
        RouteId = TestRequests.Route,
        ClusterId = TestRequests.Cluster,
        Metadata = new Dictionary<string, string> { ["Cache"] = "true" },
    };

    private sealed class PipeBody(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader { get; } = reader;
    }
}
