using System.Globalization;
using System.Text;

namespace Vigil.Server;

/// <summary>
/// The counters INFO stats and INFO errorstats print. Updated under the keyspace lock, except the
/// network byte and write counters, which transports add to atomically.
/// </summary>
public sealed class ServerStats
{
    public long TotalConnectionsReceived;

    /// <summary>How long taking the last snapshot held the lock, and snapshots taken (INFO latest_fork_usec, total_forks).</summary>
    public long LatestForkMicroseconds;
    public long TotalForks;
    public long TotalCommandsProcessed;
    public long RejectedConnections;
    public long TotalNetInputBytes;
    public long TotalNetOutputBytes;
    public long KeyspaceHits;
    public long KeyspaceMisses;
    public long EvictedKeys;
    public long EvictedClients;
    public long TotalErrorReplies;
    public long UnexpectedErrorReplies;
    public long TotalReadsProcessed;
    public long TotalWritesProcessed;
    public long DumpPayloadSanitizations;

    /// <summary>Active expiry: moving average of the expired share of sampled keys (0..1).</summary>
    public double ExpiredStalePercentage;
    public long ExpiredTimeCapReachedCount;
    public long ExpireCycleCpuMicroseconds;

    // Replication (INFO stats sync_full, sync_partial_ok, sync_partial_err, total_net_repl_*).
    public long SyncFull;
    public long SyncPartialOk;
    public long SyncPartialErr;
    public long TotalNetReplInputBytes;
    public long TotalNetReplOutputBytes;

    // Gauges kept by the features that own them (INFO clients/stats print them).
    public long BlockedClients;
    public long BlockedKeys;
    /// <summary>Blocked clients waiting with a timeout (INFO clients_in_timeout_table).</summary>
    public long ClientsInTimeoutTable;
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

    /// <summary>CONFIG RESETSTAT (resetServerStats): the counters, not the gauges.</summary>
    public void Reset()
    {
        TotalConnectionsReceived = TotalCommandsProcessed = RejectedConnections = 0;
        TotalNetInputBytes = TotalNetOutputBytes = TotalNetReplInputBytes = TotalNetReplOutputBytes = 0;
        KeyspaceHits = KeyspaceMisses = EvictedKeys = EvictedClients = 0;
        TotalErrorReplies = UnexpectedErrorReplies = DumpPayloadSanitizations = 0;
        TotalReadsProcessed = TotalWritesProcessed = 0;
        ExpiredStalePercentage = 0;
        ExpiredTimeCapReachedCount = ExpireCycleCpuMicroseconds = 0;
        SyncFull = SyncPartialOk = SyncPartialErr = 0;
        ErrorsByCode.Clear();
    }

    /// <summary>INFO stats, with Redis 7.0's fields in its order.</summary>
    internal void WriteInfo(StringBuilder sb, VigilServer server)
    {
        var m = server.Metrics;
        var i = CultureInfo.InvariantCulture;
        sb.Append(i, $"total_connections_received:{TotalConnectionsReceived}\r\n");
        sb.Append(i, $"total_commands_processed:{TotalCommandsProcessed}\r\n");
        sb.Append(i, $"instantaneous_ops_per_sec:{m.OpsPerSecond}\r\n");
        sb.Append(i, $"total_net_input_bytes:{Interlocked.Read(ref TotalNetInputBytes)}\r\n");
        sb.Append(i, $"total_net_output_bytes:{Interlocked.Read(ref TotalNetOutputBytes)}\r\n");
        sb.Append(i, $"total_net_repl_input_bytes:{Interlocked.Read(ref TotalNetReplInputBytes)}\r\n");
        sb.Append(i, $"total_net_repl_output_bytes:{Interlocked.Read(ref TotalNetReplOutputBytes)}\r\n");
        sb.Append(i, $"instantaneous_input_kbps:{m.InputKbps:F2}\r\n");
        sb.Append(i, $"instantaneous_output_kbps:{m.OutputKbps:F2}\r\n");
        sb.Append(i, $"instantaneous_input_repl_kbps:{m.ReplInputKbps:F2}\r\n");
        sb.Append(i, $"instantaneous_output_repl_kbps:{m.ReplOutputKbps:F2}\r\n");
        sb.Append(i, $"rejected_connections:{RejectedConnections}\r\n");
        sb.Append(i, $"sync_full:{SyncFull}\r\n");
        sb.Append(i, $"sync_partial_ok:{SyncPartialOk}\r\n");
        sb.Append(i, $"sync_partial_err:{SyncPartialErr}\r\n");
        sb.Append(i, $"expired_keys:{server.Keyspace.ExpiredKeys}\r\n");
        sb.Append(i, $"expired_stale_perc:{ExpiredStalePercentage * 100:F2}\r\n");
        sb.Append(i, $"expired_time_cap_reached_count:{ExpiredTimeCapReachedCount}\r\n");
        sb.Append(i, $"expire_cycle_cpu_milliseconds:{ExpireCycleCpuMicroseconds / 1000}\r\n");
        sb.Append(i, $"evicted_keys:{EvictedKeys}\r\n");
        sb.Append(i, $"evicted_clients:{EvictedClients}\r\n");
        long exceeded = server.Evictor.CurrentExceededMicros;
        sb.Append(i, $"total_eviction_exceeded_time:{(server.Evictor.TotalExceededMicros + exceeded) / 1000}\r\n");
        sb.Append(i, $"current_eviction_exceeded_time:{exceeded / 1000}\r\n");
        sb.Append(i, $"keyspace_hits:{KeyspaceHits}\r\n");
        sb.Append(i, $"keyspace_misses:{KeyspaceMisses}\r\n");
        sb.Append(i, $"pubsub_channels:{PubSubChannels}\r\n");
        sb.Append(i, $"pubsub_patterns:{PubSubPatterns}\r\n");
        sb.Append(i, $"pubsubshard_channels:{PubSubShardChannels}\r\n");
        // Vigil takes snapshots without forking: these report the snapshot's stop-the-world step (RdbSnapshot.Capture).
        sb.Append(i, $"latest_fork_usec:{LatestForkMicroseconds}\r\n");
        sb.Append(i, $"total_forks:{TotalForks}\r\n");
        sb.Append("migrate_cached_sockets:0\r\n");
        sb.Append("slave_expires_tracked_keys:0\r\n");
        sb.Append("active_defrag_hits:0\r\n");
        sb.Append("active_defrag_misses:0\r\n");
        sb.Append("active_defrag_key_hits:0\r\n");
        sb.Append("active_defrag_key_misses:0\r\n");
        sb.Append("total_active_defrag_time:0\r\n");
        sb.Append("current_active_defrag_time:0\r\n");
        sb.Append("tracking_total_keys:0\r\n");
        sb.Append("tracking_total_items:0\r\n");
        sb.Append("tracking_total_prefixes:0\r\n");
        sb.Append(i, $"unexpected_error_replies:{UnexpectedErrorReplies}\r\n");
        sb.Append(i, $"total_error_replies:{TotalErrorReplies}\r\n");
        sb.Append(i, $"dump_payload_sanitizations:{DumpPayloadSanitizations}\r\n");
        sb.Append(i, $"total_reads_processed:{TotalReadsProcessed}\r\n");
        sb.Append(i, $"total_writes_processed:{Interlocked.Read(ref TotalWritesProcessed)}\r\n");
        sb.Append("io_threaded_reads_processed:0\r\n");
        sb.Append("io_threaded_writes_processed:0\r\n");
        sb.Append("reply_buffer_shrinks:0\r\n");
        sb.Append("reply_buffer_expands:0\r\n");
    }

    /// <summary>INFO errorstats: errorstat_CODE:count=N, codes in sorted order (Redis's rax order).</summary>
    internal void WriteErrorInfo(StringBuilder sb)
    {
        var codes = new List<string>(ErrorsByCode.Keys);
        codes.Sort(StringComparer.Ordinal);
        foreach (var code in codes) sb.Append(CultureInfo.InvariantCulture, $"errorstat_{code}:count={ErrorsByCode[code]}\r\n");
    }
}
