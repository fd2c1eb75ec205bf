using Vigil.Integration.Tests.Infrastructure;

namespace Vigil.Integration.Tests.Replication;

/// <summary>
/// The interop matrix: Vigil and redis-server 7.0 as masters and replicas of each other, each
/// cell under a concurrent writer (replicas attach, and fully resync, while it writes), compared
/// key by key afterwards. Nodes sit on distinct loopback addresses, as on separate boxes.
/// </summary>
public class InteropMatrixTests
{
    [Fact]
    public void VigilMaster_VigilReplicas_AttachingUnderWrites()
    {
        using var master = new Node(false, "127.0.0.21");
        using var first = new Node(false, "127.0.0.22");
        using var second = new Node(false, "127.0.0.23", "--repl-diskless-load", "swapdb");
        first.ReplicaOf(master);
        using (var writer = new ConcurrentWriter(master, seed: 1))
        {
            writer.WaitForWrites(2000);
            second.ReplicaOf(master);
            Replicas.WaitUntil(() => second.RoleOffset() > 0, $"the second replica to sync\n{Replicas.Tail(master)}\n{Replicas.Tail(second)}");
            writer.WaitForWrites(writer.Written + 3000);
            writer.Stop();
            Assert.Null(writer.Failure);
        }
        Replicas.WaitUntilCaughtUp(master, first, second);
        Replicas.AssertSameData(master, first);
        Replicas.AssertSameData(master, second);
        // Each replica is listed under its own address (bind-source-addr), with the port it announced.
        var role = master.Call("ROLE").Items![2].Items!.Select(r => $"{r.Items![0].Text}:{r.Items[1].Text}").Order().ToArray();
        Assert.Equal([$"127.0.0.22:{first.Port}", $"127.0.0.23:{second.Port}"], role);
    }

    [Fact]
    public void VigilMaster_RedisReplica()
    {
        using var master = new Node(false, "127.0.0.21");
        using var replica = new Node(true, "127.0.0.22");
        using (var writer = new ConcurrentWriter(master, seed: 2))
        {
            writer.WaitForWrites(2000);
            replica.ReplicaOf(master);
            Replicas.WaitUntil(() => replica.RoleOffset() > 0, $"the replica to sync\n{Replicas.Tail(master)}\n{Replicas.Tail(replica)}");
            writer.WaitForWrites(writer.Written + 3000);
            writer.Stop();
            Assert.Null(writer.Failure);
        }
        Replicas.WaitUntilCaughtUp(master, replica);
        Replicas.AssertSameData(master, replica);
        Assert.Contains("MASTER <-> REPLICA sync: Finished with success", replica.Process.Output);
    }

    [Fact]
    public void RedisMaster_VigilReplica()
    {
        using var master = new Node(true, "127.0.0.21");
        using var replica = new Node(false, "127.0.0.22");
        using (var writer = new ConcurrentWriter(master, seed: 3))
        {
            writer.WaitForWrites(2000);
            replica.ReplicaOf(master);
            Replicas.WaitUntil(() => replica.RoleOffset() > 0, $"the replica to sync\n{Replicas.Tail(master)}\n{Replicas.Tail(replica)}");
            writer.WaitForWrites(writer.Written + 3000);
            writer.Stop();
            Assert.Null(writer.Failure);
        }
        Replicas.WaitUntilCaughtUp(master, replica);
        Replicas.AssertSameData(master, replica);
    }

    [Fact]
    public void Promotion_TheOthersContinuePartially()
    {
        // No PINGs from the old master: one sent after the promotion (every 10 s by default, so under load now and then
        // in the window) puts the old master and the replica that got it past the promoted node's history, and both
        // then resync in full, rightly (redis-server 7.0 does the same).
        using var master = new Node(false, "127.0.0.21", "--repl-ping-replica-period", "3600");
        using var promoted = new Node(false, "127.0.0.22");
        using var redisReplica = new Node(true, "127.0.0.23");
        promoted.ReplicaOf(master);
        redisReplica.ReplicaOf(master);
        using (var writer = new ConcurrentWriter(master, seed: 4))
        {
            writer.WaitForWrites(3000);
            writer.Stop();
        }
        Replicas.WaitUntilCaughtUp(master, promoted, redisReplica);
        var before = promoted.SyncCounts();

        // As a failover does it: the chosen replica becomes master, the others and the old master follow it.
        Assert.Equal("OK", promoted.Call("REPLICAOF", "NO", "ONE").Text);
        redisReplica.ReplicaOf(promoted);
        master.ReplicaOf(promoted);
        using (var writer = new ConcurrentWriter(promoted, seed: 5))
        {
            writer.WaitForWrites(2000);
            writer.Stop();
        }
        Replicas.WaitUntilCaughtUp(promoted, redisReplica, master);
        Replicas.AssertSameData(promoted, redisReplica);
        Replicas.AssertSameData(promoted, master);
        // sync_partial_ok grows by two, sync_full does not; the promoted node's history continues the old one.
        // Polled: the counters are the master's own record, unlike log lines that reach us through a pipe.
        string Account() => $"{promoted.SyncCounts()} (full, partial) after {before}\n{Replicas.Tail(promoted)}\n{Replicas.Tail(master)}\n{Replicas.Tail(redisReplica)}";
        Replicas.WaitUntil(() => promoted.SyncCounts() is var now && (now.Full != before.Full || now.PartialOk >= before.PartialOk + 2), "two resyncs");
        Assert.True(promoted.SyncCounts() == (before.Full, before.PartialOk + 2), Account());
        var info = promoted.Info("replication");
        Assert.Equal(master.Info("replication")["master_replid2"], info["master_replid2"]);
        Assert.NotEqual("-1", info["second_repl_offset"]);
        Replicas.WaitUntil(() => redisReplica.Process.Output.Contains("Successful partial resynchronization with master."), "redis-server's own account of the partial resync");
    }
}
