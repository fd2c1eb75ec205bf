namespace Vigil.Server;

/// <summary>The counters INFO stats and INFO errorstats print. Updated under the keyspace lock.</summary>
public sealed class ServerStats
{
    public long TotalConnectionsReceived;
    public long TotalCommandsProcessed;
    public long RejectedConnections;
    public long TotalNetInputBytes;
    public long TotalNetOutputBytes;
    public long KeyspaceHits;
    public long KeyspaceMisses;
    public long ExpiredStalePercentage;
    public long EvictedKeys;
    public long TotalErrorReplies;
    public long UnexpectedErrorReplies;

    // Replication (INFO stats sync_full, sync_partial_ok, sync_partial_err, total_net_repl_*).
    public long SyncFull;
    public long SyncPartialOk;
    public long SyncPartialErr;
    public long TotalNetReplInputBytes;
    public long TotalNetReplOutputBytes;

    // Gauges kept by the features that own them (INFO clients/stats print them).
    public long BlockedClients;
    public long BlockedKeys;
    public long WatchingClients;
    public long WatchedKeys;
    public long PubSubChannels;
    public long PubSubPatterns;
    public long PubSubShardChannels;

    /// <summary>Error replies by their first word ("ERR", "WRONGTYPE"), for INFO errorstats.</summary>
    public Dictionary<string, long> ErrorsByCode { get; } = new(StringComparer.Ordinal);

    public void CountError(string message)
    {
        TotalErrorReplies++;
        int space = message.IndexOf(' ');
        string code = space < 0 ? message : message[..space];
        // Redis caps the number of distinct error codes it tracks at 128.
        if (ErrorsByCode.Count >= 128 && !ErrorsByCode.ContainsKey(code)) return;
        ErrorsByCode[code] = ErrorsByCode.GetValueOrDefault(code) + 1;
    }

    public void Reset()
    {
        TotalConnectionsReceived = TotalCommandsProcessed = RejectedConnections = 0;
        TotalNetInputBytes = TotalNetOutputBytes = KeyspaceHits = KeyspaceMisses = 0;
        EvictedKeys = TotalErrorReplies = UnexpectedErrorReplies = 0;
        SyncFull = SyncPartialOk = SyncPartialErr = TotalNetReplInputBytes = TotalNetReplOutputBytes = 0;
        ErrorsByCode.Clear();
    }
}
