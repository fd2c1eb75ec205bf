namespace Vigil.Server.Replication;

/// <summary>Where a replica attached to this node stands (Redis's SLAVE_STATE_*).</summary>
internal enum AttachedReplicaState
{
    /// <summary>Asked for a full resync; waits for a snapshot to start (diskless delay, another one running).</summary>
    WaitBgsaveStart,
    /// <summary>Got +FULLRESYNC; the RDB is being produced (or streamed); the stream since waits behind it.</summary>
    WaitBgsaveEnd,
    /// <summary>The RDB file is being sent.</summary>
    SendBulk,
    /// <summary>Receives the stream.</summary>
    Online,
}

/// <summary>
/// What this node knows of one replica attached to it (a client extension): what it announced in
/// REPLCONF, where its sync stands, and its acknowledged offset.
/// </summary>
internal sealed class AttachedReplica
{
    public AttachedReplicaState State { get; set; }

    /// <summary>REPLCONF listening-port (0 until announced).</summary>
    public int ListeningPort { get; set; }

    /// <summary>REPLCONF ip-address, or null: the peer address then names it.</summary>
    public string? AnnouncedIp { get; set; }

    /// <summary>REPLCONF capa eof: can read an RDB of unknown length ($EOF:&lt;mark&gt;).</summary>
    public bool CapaEof { get; set; }

    /// <summary>REPLCONF capa psync2: understands +CONTINUE &lt;new replid&gt;.</summary>
    public bool CapaPsync2 { get; set; }

    /// <summary>Attached with SYNC (no PSYNC): no +FULLRESYNC line before its RDB.</summary>
    public bool PrePsync { get; set; }

    /// <summary>The highest offset it acknowledged (REPLCONF ACK).</summary>
    public long AckOffset { get; set; }

    /// <summary>When it last acknowledged, or was put online (Unix seconds).</summary>
    public long AckTimeSeconds { get; set; }

    /// <summary>When it asked for a full resync (monotonic ms), for repl-diskless-sync-delay.</summary>
    public long SyncRequestedAt { get; set; }

    /// <summary>When its pending output first passed the soft limit (Unix seconds, 0 = under it).</summary>
    public long SoftLimitSince;

    /// <summary>After a streamed RDB: completed by its first ACK, which starts the stream to it.</summary>
    public TaskCompletionSource? FirstAck { get; set; }
}
