using LoadDriver;

return args.Length > 0 && args[0] == "serve"
    ? await ServeCommand.RunAsync(args[1..])
    : Usage();

static int Usage()
{
    Console.Error.WriteLine("""
        usage: dotnet run --project loadtests/LoadDriver -- <command>

          serve    start the simulated RAG backend and the gateway in front of it (Ctrl+C stops both)
        """);
    return 64;
}
