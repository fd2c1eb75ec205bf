using Vigil.Server.Clients;
using Vigil.Server.Commands;

namespace Vigil.Server.Replication;

/// <summary>
/// WAIT numreplicas timeout: blocks the client until that many replicas acknowledged the stream up
/// to its last write, or the timeout passes, and answers how many did. Asks the replicas for an
/// ACK (REPLCONF GETACK in the stream) when a client starts waiting; every ACK that arrives re-checks
/// the waiters. Runs under the lock.
/// </summary>
internal sealed class ReplicaWaits
{
    private readonly VigilServer _server;
    private readonly ReplicationSource _source;
    private readonly List<Waiter> _waiters = new();

    public ReplicaWaits(VigilServer server, ReplicationSource source)
    {
        _server = server;
        _source = source;
        source.AckReceived += ReleaseSatisfied;
    }

    public void Wait(CommandContext ctx)
    {
        if (_server.Config.IsReplica)
        {
            ctx.Error("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is " +
                "configured to be writable (which is not the default) writes to replicas are just local and are not propagated.");
            return;
        }
        if (!ctx.TryGetInt64(1, out long wanted, "ERR value is not an integer or out of range")) return;
        if (!ctx.TryGetInt64(2, out long timeoutMs, "ERR timeout is not an integer or out of range")) return;
        if (timeoutMs < 0)
        {
            ctx.Error("ERR timeout is negative");
            return;
        }
        var client = ctx.Client;
        long offset = client.ReplicationOffset;
        int acked = _source.CountAcked(offset);
        if (acked >= wanted || client.HasFlag(ClientFlags.Multi))
        {
            ctx.Reply.WriteInteger(acked);
            return;
        }
        var waiter = new Waiter(client, offset, wanted);
        // A deadline past the largest time never comes: Redis's wraps around in its unsigned timeout table.
        long deadline = timeoutMs > long.MaxValue - ctx.Now ? 0 : timeoutMs == 0 ? 0 : ctx.Now + timeoutMs;
        _server.Blocking.BlockWithoutKeys(ctx, deadline, c =>
        {
            // Timed out (or CLIENT UNBLOCK): the count as it stands.
            waiter.Done = true;
            c.Reply.WriteInteger(_source.CountAcked(offset));
        });
        _waiters.Add(waiter);
        _source.RequestAcks();
    }

    /// <summary>processClientsWaitingReplicas: answers the waiters whose replicas have caught up.</summary>
    private void ReleaseSatisfied()
    {
        for (int i = _waiters.Count - 1; i >= 0; i--)
        {
            var waiter = _waiters[i];
            if (waiter.Done || !waiter.Client.HasFlag(ClientFlags.Blocked))
            {
                _waiters.RemoveAt(i);
                continue;
            }
            int acked = _source.CountAcked(waiter.Offset);
            if (acked < waiter.Wanted) continue;
            waiter.Done = true;
            _waiters.RemoveAt(i);
            _server.Blocking.Release(waiter.Client, c => c.Reply.WriteInteger(acked));
        }
    }

    private sealed class Waiter(Client client, long offset, long wanted)
    {
        public Client Client { get; } = client;

        public long Offset { get; } = offset;

        public long Wanted { get; } = wanted;

        /// <summary>Answered, by an ACK or by the timeout: a later block of the same client is not this one.</summary>
        public bool Done { get; set; }
    }
}
