// Plain YARP with no gateway features: the benchmark's reference point for what proxying alone costs.
// The content root is the binary's folder so the baseline reads its own appsettings.json from any working
// directory (from the repository root it would otherwise pick up the gateway's).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));

var app = builder.Build();
app.MapReverseProxy();
app.Run();
