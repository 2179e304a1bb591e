using System.Diagnostics;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// The gateway as it ships: <c>dotnet publish</c> of <c>gateway/Gateway.csproj</c> (from the build the tests already
/// made, so no compile) into a temporary folder, the same output the Dockerfile copies into the image, with the root
/// <c>appsettings.json</c> next to <c>Gateway.dll</c>. Published once per test class.
/// </summary>
public sealed class PublishedGateway : IAsyncLifetime
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The publish folder (the image's <c>/app</c>).</summary>
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("gateway-published-").FullName;

    /// <summary>The published entry assembly.</summary>
    public string Dll => Path.Combine(Directory, "Gateway.dll");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var project = Path.Combine(GatewayProcess.RepositoryRoot(), "gateway", "Gateway.csproj");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["publish", project, "--no-build", "--no-restore", "-c", GatewayProcess.BuildConfiguration(), "-o", Directory, "-nologo"])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet publish did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var wait = new CancellationTokenSource(PublishTimeout);
        await process.WaitForExitAsync(wait.Token);
        if (process.ExitCode != 0 || !File.Exists(Dll))
        {
            throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}): {await stdout} {await stderr}");
        }
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }

        return Task.CompletedTask;
    }
}
