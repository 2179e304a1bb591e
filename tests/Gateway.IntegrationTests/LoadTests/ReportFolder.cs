namespace Gateway.IntegrationTests.LoadTests;

/// <summary>The load driver runs' report folders, removed when a run passed (a failing run keeps its report).</summary>
internal static class ReportFolder
{
    public static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
