namespace Gateway.Transforms.Infrastructure.Redis;

/// <summary>Result of a guarded Redis call; <c>default</c> means it failed or was skipped.</summary>
internal readonly record struct RedisOutcome<T>(bool Succeeded, T? Value);
