namespace Gateway.IntegrationTests.Cluster;

/// <summary>One server of the test cluster, whichever kind runs it (<see cref="RedisNode"/> or <see cref="GarnetNode"/>).</summary>
internal interface IClusterServerNode
{
    /// <summary>Client port on 127.0.0.1.</summary>
    int Port { get; }

    /// <summary>Whether the server is up.</summary>
    bool IsRunning { get; }

    /// <summary>Takes the server down abruptly and waits until it is gone.</summary>
    Task KillAsync();

    /// <summary>Takes the server down without waiting: for the test host's own exit.</summary>
    void KillNow();

    /// <summary>The last lines of the server's log, for failure messages.</summary>
    string LogTail();
}
