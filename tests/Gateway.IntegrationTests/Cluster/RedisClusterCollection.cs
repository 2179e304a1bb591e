namespace Gateway.IntegrationTests.Cluster;

/// <summary>
/// Tests in this collection share one <see cref="RedisClusterFixture"/> and run one at a time, after the parallel
/// collections: they measure rates and failover times and read <c>/metrics</c>, so they want the cores to themselves.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    /// <summary>Collection name for <c>[Collection(RedisClusterCollection.Name)]</c>.</summary>
    public const string Name = "RedisCluster";
}
