using System.Security.Cryptography;

namespace Vigil.Server;

/// <summary>
/// What the rest of the node needs to know about replication: whether writes are refused for lack
/// of good replicas, whether this replica's link is up, and the replication history (IDs and
/// offsets). The replication feature (src/Vigil.Server/Replication) keeps it.
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

    /// <summary>changeReplicationId + clearReplicationId2: a new history with no past.</summary>
    public void StartNewHistory()
    {
        ReplId = NewReplId();
        ReplId2 = NoReplId;
        SecondReplOffset = -1;
    }

    public static string NewReplId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(20)).ToLowerInvariant();
}
