using System.Diagnostics;
using System.Text;

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

        var built = Path.Combine(RepositoryRoot(), "gateway", "bin", BuildConfiguration(), TargetFramework(), "Gateway.dll");
        return File.Exists(built)
            ? built
            : throw new FileNotFoundException($"Gateway.dll not found next to the tests or at {built}; build the solution first.");
    }

    /// <summary>The repository root: .../tests/Gateway.IntegrationTests/bin/&lt;Configuration&gt;/&lt;tfm&gt;/ → ...</summary>
    public static string RepositoryRoot() => TargetFrameworkDirectory().Parent!.Parent!.Parent!.Parent!.Parent!.FullName;

    /// <summary>The configuration the tests were built with (<c>Debug</c> or <c>Release</c>).</summary>
    public static string BuildConfiguration() => TargetFrameworkDirectory().Parent!.Name;

    /// <summary>Runs <c>dotnet Gateway.dll <paramref name="arguments"/></c> and waits (killing it after <paramref name="timeout"/>).</summary>
    public static Task<Result> RunAsync(TimeSpan timeout, params string[] arguments) =>
        RunAsync(LocateGatewayDll(), Path.GetTempPath(), new Dictionary<string, string>(), timeout, arguments);

    /// <summary>
    /// Runs <c>dotnet <paramref name="dll"/> <paramref name="arguments"/></c> in <paramref name="workingDirectory"/> in the
    /// Production environment, with <paramref name="environment"/> added, and waits (killing it after <paramref name="timeout"/>).
    /// </summary>
    public static async Task<Result> RunAsync(string dll, string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] arguments)
    {
        await using var running = Start(dll, workingDirectory, environment, arguments);
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await running.Process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The gateway process did not exit within {timeout.TotalSeconds} s. Output: {running.Output}");
        }

        // WaitForExitAsync returns once the output streams are drained too.
        return new Result(running.Process.ExitCode, running.StandardOutput, running.StandardError);
    }

    /// <summary>Starts <c>dotnet <paramref name="dll"/> <paramref name="arguments"/></c> and leaves it running; dispose to kill it.</summary>
    public static Running Start(string dll, string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Whatever the test host runs with must not leak into the gateway's configuration.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)
                     || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.Ordinal) || k.StartsWith("Gateway__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Urls"] = "http://127.0.0.1:0";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return new Running(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."));
    }

    private static DirectoryInfo TargetFrameworkDirectory() => new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));

    private static string TargetFramework() => TargetFrameworkDirectory().Name;

    /// <summary>A gateway process started by <see cref="Start"/>; its output is collected as it comes.</summary>
    public sealed class Running : IAsyncDisposable
    {
        private readonly StringBuilder _stdout = new();
        private readonly StringBuilder _stderr = new();
        private readonly object _gate = new();

        internal Running(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
            process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        /// <summary>The process.</summary>
        public Process Process { get; }

        /// <summary>Standard output so far.</summary>
        public string StandardOutput
        {
            get
            {
                lock (_gate)
                {
                    return _stdout.ToString();
                }
            }
        }

        /// <summary>Standard error so far.</summary>
        public string StandardError
        {
            get
            {
                lock (_gate)
                {
                    return _stderr.ToString();
                }
            }
        }

        /// <summary>Both streams so far, for failure messages.</summary>
        public string Output => $"stdout: {StandardOutput}{Environment.NewLine}stderr: {StandardError}";

        /// <summary>Waits until <paramref name="text"/> appears on either stream; throws with the output on timeout or exit.</summary>
        public async Task WaitForOutputAsync(string text, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (!Output.Contains(text, StringComparison.Ordinal))
            {
                if (Process.HasExited || clock.Elapsed > timeout)
                {
                    throw new TimeoutException($"'{text}' not seen within {timeout.TotalSeconds} s (exited: {Process.HasExited}). {Output}");
                }

                await Task.Delay(50);
            }
        }

        /// <inheritdoc />
        public async ValueTask DisposeAsync()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }

            await Process.WaitForExitAsync(CancellationToken.None);
            Process.Dispose();
        }

        private void Append(StringBuilder target, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_gate)
            {
                target.AppendLine(line);
            }
        }
    }
}
