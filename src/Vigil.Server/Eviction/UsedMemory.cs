using Vigil.Server.Clients;

namespace Vigil.Server.Eviction;

/// <summary>
/// used_memory as Vigil counts it, readable in O(1) so that maxmemory can be checked before every
/// command: the dataset (each database's <see cref="Storage.Database.DataBytes"/>: keys and values
/// at their managed-heap sizes), the key tables' own arrays, client buffers (query and output, kept
/// per client as connections change them), the replication backlog and the AOF buffer. The .NET
/// runtime's own footprint (code, JIT, the GC's reserve) is not counted: it is the baseline a
/// process has before any data, as Redis's binary and allocator metadata are not in its used_memory.
/// </summary>
public sealed class UsedMemory
{
    private readonly VigilServer _server;

    public UsedMemory(VigilServer server)
    {
        _server = server;
    }

    /// <summary>Query and output buffers of ordinary clients (mem_clients_normal).</summary>
    public long ClientsNormal { get; private set; }

    /// <summary>Output buffers of attached replicas (mem_clients_slaves): not counted for eviction, as in Redis.</summary>
    public long ClientsReplicas { get; private set; }

    /// <summary>Keys and values of every database.</summary>
    public long Dataset => _server.Keyspace.DataBytes();

    /// <summary>The key tables' entries, access stamps and buckets (the per-key overhead).</summary>
    public long KeyTables => _server.Keyspace.TableBytes();

    /// <summary>Set by replication: the backlog's size (mem_replication_backlog).</summary>
    public Func<long> ReplicationBacklog { get; set; } = static () => 0;

    /// <summary>The AOF's pending-write buffers (mem_aof_buffer): not counted for eviction, as in Redis.</summary>
    public long AofBuffer => _server.Persistence.Aof.Writer?.BufferCapacity ?? 0;

    /// <summary>used_memory.</summary>
    public long Total => ForEviction + ClientsReplicas + AofBuffer;

    /// <summary>What maxmemory is compared with: used_memory less the replica and AOF buffers (freeMemoryGetNotCountedMemory).</summary>
    public long ForEviction => Dataset + KeyTables + ClientsNormal + ReplicationBacklog();

    /// <summary>mem_not_counted_for_evict.</summary>
    public long NotCountedForEviction => ClientsReplicas + AofBuffer;

    /// <summary>
    /// Records that <paramref name="client"/>'s buffers now hold <paramref name="bytes"/> (0 once it
    /// is gone). Called under the keyspace lock by its transport when the buffers change.
    /// </summary>
    public void UpdateClient(Client client, long bytes)
    {
        if (client.ChargedAsReplica) ClientsReplicas -= client.ChargedMemory;
        else ClientsNormal -= client.ChargedMemory;
        client.ChargedAsReplica = client.HasFlag(ClientFlags.Replica) && !client.HasFlag(ClientFlags.Monitor);
        client.ChargedMemory = bytes;
        if (client.ChargedAsReplica) ClientsReplicas += bytes;
        else ClientsNormal += bytes;
    }
}
