namespace Vigil.Server;

/// <summary>What Vigil reports as its identity: the Redis version it is compatible with.</summary>
public static class ServerInfo
{
    /// <summary>The Redis version whose behaviour Vigil matches (INFO redis_version, HELLO version).</summary>
    public const string RedisVersion = "7.0.15";

    public static string VigilVersion =>
        typeof(ServerInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
