using System.Security.Cryptography;
using Vigil.Server.Persistence;

namespace Vigil.Server;

/// <summary>
/// What the rest of the node needs to know about replication: whether writes are refused for lack
/// of good replicas, whether this replica's link is up, and the replication history (IDs and
/// offsets) that RDB files carry. The replication feature (src/Vigil.Server/Replication) keeps it.
/// </summary>
public sealed class ReplicationState
{
    /// <summary>The ID Redis prints for "no secondary ID" (master_replid2).</summary>
    public const string NoReplId = "0000000000000000000000000000000000000000";

    /// <summary>Replicas whose last ACK is within min-replicas-max-lag seconds.</summary>
    public int GoodReplicaCount { get; set; }

    /// <summary>On a replica: the link to the master is up and synchronised.</summary>
    public bool MasterLinkUp { get; set; }

    /// <summary>The ID of the replication history this node follows (master_replid).</summary>
    public string ReplId { get; set; } = NewReplId();

    /// <summary>The ID of the history before the last promotion (master_replid2).</summary>
    public string ReplId2 { get; set; } = NoReplId;

    /// <summary>Bytes of replication stream produced (a master) or applied (a replica): master_repl_offset.</summary>
    public long MasterReplOffset { get; set; }

    /// <summary>The first offset <see cref="ReplId2"/> is not valid for (second_repl_offset), -1 when none.</summary>
    public long SecondReplOffset { get; set; } = -1;

    /// <summary>
    /// What an RDB saved now records of the replication history (rdbPopulateSaveInfo), or null when
    /// there is nothing to record. Installed by the replication feature.
    /// </summary>
    public Func<RdbFile.ReplicationInfo?> SaveInfo { get; set; } = static () => null;

    /// <summary>
    /// Called once an RDB loaded at startup carried replication info: a replica continues from it
    /// with a partial resync, a master keeps it as its secondary history. Installed by the replication feature.
    /// </summary>
    public Action<RdbFile.ReplicationInfo> RestoreFromRdb { get; set; } = static _ => { };

    public static string NewReplId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(20)).ToLowerInvariant();
}
