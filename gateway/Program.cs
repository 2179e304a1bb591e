using Gateway.Config.Reload;
using Gateway.Hosting;

if (args.Length > 0 && args[0] == TokenCommand.Name)
{
    return TokenCommand.Run(args[1..], Console.Out, Console.Error);
}

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddGateway();
    var app = builder.Build();
    app.MapGateway();
    await app.RunAsync();
    return 0;
}
catch (GatewayConfigurationException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}
