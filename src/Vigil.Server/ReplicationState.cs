namespace Vigil.Server;

/// <summary>
/// What command execution needs to know about replication: whether writes are refused for lack
/// of good replicas, and whether this node is a replica whose link is up.
/// </summary>
public sealed class ReplicationState
{
    /// <summary>Replicas whose last ACK is within min-replicas-max-lag seconds.</summary>
    public int GoodReplicaCount { get; set; }

    /// <summary>On a replica: the link to the master is up and synchronised.</summary>
    public bool MasterLinkUp { get; set; }
}
