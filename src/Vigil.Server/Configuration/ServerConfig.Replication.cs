namespace Vigil.Server.Configuration;

/// <summary>Replication settings (see <see cref="ReplicationDirectives"/>); defaults are Redis 7.0's.</summary>
public sealed partial class ServerConfig
{
    public string MasterAuth { get; set; } = "";
    public string MasterUser { get; set; } = "";
    public string ReplicaOfHost { get; set; } = "";
    public int ReplicaOfPort { get; set; }
    public int MinReplicasToWrite { get; set; }
    public int MinReplicasMaxLag { get; set; } = 10;
    public bool ReplicaReadOnly { get; set; } = true;
    public bool ReplicaServeStaleData { get; set; } = true;

    /// <summary>Full resyncs stream the RDB straight to replicas that can take it ($EOF: form).</summary>
    public bool ReplDisklessSync { get; set; } = true;

    /// <summary>Seconds a diskless full resync waits for more replicas to share its snapshot.</summary>
    public int ReplDisklessSyncDelay { get; set; } = 5;

    /// <summary>Start a diskless full resync at once when this many replicas wait (0 = no such limit).</summary>
    public int ReplDisklessSyncMaxReplicas { get; set; }

    /// <summary>disabled (RDB to disk, then load), on-empty-db or swapdb (load from the socket).</summary>
    public string ReplDisklessLoad { get; set; } = "disabled";

    public long ReplBacklogSize { get; set; } = 1024 * 1024;

    /// <summary>Seconds a master without replicas keeps its backlog (0 = forever).</summary>
    public long ReplBacklogTtl { get; set; } = 3600;

    public int ReplTimeout { get; set; } = 60;
    public int ReplPingReplicaPeriod { get; set; } = 10;
    public bool ReplDisableTcpNoDelay { get; set; }
    public int ReplicaPriority { get; set; } = 100;
    public string ReplicaAnnounceIp { get; set; } = "";
    public int ReplicaAnnouncePort { get; set; }
    public bool ReplicaAnnounced { get; set; } = true;
    public bool ReplicaLazyFlush { get; set; }
    public bool ReplicaIgnoreMaxmemory { get; set; } = true;
    public bool ReplicaIgnoreDiskWriteErrors { get; set; }

    public bool IsReplica => ReplicaOfHost.Length > 0;
}
