using System.Globalization;
using static Vigil.Server.Configuration.ConfigDirectives;

namespace Vigil.Server.Configuration;

/// <summary>The replication directives, with Redis 7.0's names, aliases, defaults and ranges.</summary>
public static class ReplicationDirectives
{
    public static IEnumerable<ConfigDirective> All() =>
    [
        String("masterauth", true, "", c => c.MasterAuth, (c, v) => c.MasterAuth = v).With(ConfigFlags.Sensitive),
        String("masteruser", true, "", c => c.MasterUser, (c, v) => c.MasterUser = v).With(ConfigFlags.Sensitive),
        // CONFIG REWRITE removes replicaof from a master's file (rewriteConfigReplicaOfOption).
        new ConfigDirective("replicaof", false, "", c => c.IsReplica ? $"{c.ReplicaOfHost} {c.ReplicaOfPort}" : "", SetReplicaOf, "slaveof") { MultiArg = true }
            .With(c => c.IsReplica ? [new RewriteLine($"replicaof {c.ReplicaOfHost} {c.ReplicaOfPort}", true)] : []),
        Int("min-replicas-to-write", true, 0, 0, int.MaxValue, c => c.MinReplicasToWrite, (c, v) => c.MinReplicasToWrite = (int)v, "min-slaves-to-write"),
        Int("min-replicas-max-lag", true, 10, 0, int.MaxValue, c => c.MinReplicasMaxLag, (c, v) => c.MinReplicasMaxLag = (int)v, "min-slaves-max-lag"),
        Bool("replica-read-only", true, true, c => c.ReplicaReadOnly, (c, v) => c.ReplicaReadOnly = v, "slave-read-only"),
        Bool("replica-serve-stale-data", true, true, c => c.ReplicaServeStaleData, (c, v) => c.ReplicaServeStaleData = v, "slave-serve-stale-data"),
        Bool("repl-diskless-sync", true, true, c => c.ReplDisklessSync, (c, v) => c.ReplDisklessSync = v),
        Int("repl-diskless-sync-delay", true, 5, 0, int.MaxValue, c => c.ReplDisklessSyncDelay, (c, v) => c.ReplDisklessSyncDelay = (int)v),
        Int("repl-diskless-sync-max-replicas", true, 0, 0, int.MaxValue, c => c.ReplDisklessSyncMaxReplicas, (c, v) => c.ReplDisklessSyncMaxReplicas = (int)v),
        Enum("repl-diskless-load", true, "disabled", ["disabled", "on-empty-db", "swapdb"], c => c.ReplDisklessLoad, (c, v) => c.ReplDisklessLoad = v),
        Memory("repl-backlog-size", true, 1024 * 1024, 1, long.MaxValue, c => c.ReplBacklogSize, (c, v) => c.ReplBacklogSize = v),
        Int("repl-backlog-ttl", true, 3600, 0, long.MaxValue, c => c.ReplBacklogTtl, (c, v) => c.ReplBacklogTtl = v),
        Int("repl-timeout", true, 60, 1, int.MaxValue, c => c.ReplTimeout, (c, v) => c.ReplTimeout = (int)v),
        Int("repl-ping-replica-period", true, 10, 1, int.MaxValue, c => c.ReplPingReplicaPeriod, (c, v) => c.ReplPingReplicaPeriod = (int)v, "repl-ping-slave-period"),
        Bool("repl-disable-tcp-nodelay", true, false, c => c.ReplDisableTcpNoDelay, (c, v) => c.ReplDisableTcpNoDelay = v),
        Int("replica-priority", true, 100, 0, int.MaxValue, c => c.ReplicaPriority, (c, v) => c.ReplicaPriority = (int)v, "slave-priority"),
        String("replica-announce-ip", true, "", c => c.ReplicaAnnounceIp, (c, v) => c.ReplicaAnnounceIp = v, "slave-announce-ip"),
        Int("replica-announce-port", true, 0, 0, 65535, c => c.ReplicaAnnouncePort, (c, v) => c.ReplicaAnnouncePort = (int)v, "slave-announce-port"),
        Bool("replica-announced", true, true, c => c.ReplicaAnnounced, (c, v) => c.ReplicaAnnounced = v),
        Bool("replica-lazy-flush", true, false, c => c.ReplicaLazyFlush, (c, v) => c.ReplicaLazyFlush = v, "slave-lazy-flush"),
        Bool("replica-ignore-maxmemory", true, true, c => c.ReplicaIgnoreMaxmemory, (c, v) => c.ReplicaIgnoreMaxmemory = v, "slave-ignore-maxmemory"),
        Bool("replica-ignore-disk-write-errors", true, false, c => c.ReplicaIgnoreDiskWriteErrors, (c, v) => c.ReplicaIgnoreDiskWriteErrors = v),
    ];

    /// <summary>"replicaof host port" or "replicaof no one".</summary>
    private static string? SetReplicaOf(ServerConfig c, string[] a)
    {
        if (a.Length != 2) return "wrong number of arguments";
        if (a[0].Equals("no", StringComparison.OrdinalIgnoreCase) && a[1].Equals("one", StringComparison.OrdinalIgnoreCase))
        {
            c.ReplicaOfHost = "";
            c.ReplicaOfPort = 0;
            return null;
        }
        if (!int.TryParse(a[1], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 0 or > 65535)
            return "Invalid master port";
        c.ReplicaOfHost = a[0];
        c.ReplicaOfPort = port;
        return null;
    }
}
