using System.Diagnostics;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>Runs the built gateway as a separate process (<c>dotnet Gateway.dll ...</c>), for exit-code and stderr checks.</summary>
public static class GatewayProcess
{
    /// <summary>Exit code and output of a finished run.</summary>
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    /// <summary>
    /// Path of <c>Gateway.dll</c>: the copy next to the test assembly (a project reference puts it there with its
    /// runtimeconfig and deps files), else the gateway project's own output for the same configuration.
    /// </summary>
    public static string LocateGatewayDll()
    {
        var besideTests = Path.Combine(AppContext.BaseDirectory, "Gateway.dll");
        if (File.Exists(besideTests) && File.Exists(Path.Combine(AppContext.BaseDirectory, "Gateway.runtimeconfig.json")))
        {
            return besideTests;
        }

        // .../tests/Gateway.IntegrationTests/bin/<Configuration>/<tfm>/ → .../gateway/bin/<Configuration>/<tfm>/Gateway.dll
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfm.Parent!;
        var repository = configuration.Parent!.Parent!.Parent!.Parent!;
        var built = Path.Combine(repository.FullName, "gateway", "bin", configuration.Name, tfm.Name, "Gateway.dll");
        return File.Exists(built)
            ? built
            : throw new FileNotFoundException($"Gateway.dll not found next to the tests or at {built}; build the solution first.");
    }

    /// <summary>Runs <c>dotnet Gateway.dll <paramref name="arguments"/></c> and waits (killing it after <paramref name="timeout"/>).</summary>
    public static async Task<Result> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(LocateGatewayDll());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Whatever the test host runs with must not leak into the gateway's configuration.
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Urls"] = "http://127.0.0.1:0";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"The gateway process did not exit within {timeout.TotalSeconds} s. stderr: {await stderr}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
