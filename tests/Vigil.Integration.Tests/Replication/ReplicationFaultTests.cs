namespace Vigil.Integration.Tests.Replication;

/// <summary>
/// Faults on the replication link, each with a writer running: every one must end with the
/// replica resynchronised and holding exactly the master's data, and both processes alive.
/// scripts/replication-faults runs these in a loop.
/// </summary>
public class ReplicationFaultTests
{
    /// <summary>Fills a master with <paramref name="count"/> keys through pipelined MSETs.</summary>
    private static void Fill(Node master, int count)
    {
        using var c = master.Connect();
        for (int i = 0; i < count; i += 100)
        {
            var args = new List<object> { "MSET" };
            for (int j = i; j < i + 100 && j < count; j++) args.AddRange([$"fill:{j}", $"value-{j}-{new string('x', 50)}"]);
            c.Send(args.ToArray());
        }
        for (int i = 0; i < count; i += 100) c.Read();
    }

    private static void AssertAlive(params Node[] nodes)
    {
        foreach (var node in nodes) Assert.Equal("PONG", node.Call("PING").Text);
    }

    [Fact]
    public void LinkCutDuringTheTransfer_EndsInAFreshFullResync()
    {
        // rdb-key-save-delay stretches the transfer (µs per key) so the cut lands in the middle of it.
        using var master = new Node(false, "127.0.0.31", "--rdb-key-save-delay", "200");
        using var replica = new Node(false, "127.0.0.32");
        Fill(master, 20_000);
        using var proxy = new FaultProxy("127.0.0.33", master);
        using (var writer = new ConcurrentWriter(master, seed: 11))
        {
            Assert.Equal("OK", replica.Call("REPLICAOF", proxy.Host, proxy.Port.ToString()).Text);
            Replicas.WaitUntil(() => replica.Call("ROLE").Items![3].Text == "sync", "the transfer to start");
            Thread.Sleep(500);
            proxy.Cut();
            Assert.Equal("OK", master.Call("CONFIG", "SET", "rdb-key-save-delay", "0").Text);
            Replicas.WaitUntil(() => proxy.Connections >= 2 && replica.RoleOffset() > 0, "the replica to resync");
            writer.WaitForWrites(writer.Written + 2000);
            writer.Stop();
        }
        Replicas.WaitUntilCaughtUp(master, replica);
        Replicas.AssertSameData(master, replica);
        AssertAlive(master, replica);
        Assert.True(master.SyncCounts().Full >= 2, Replicas.Tail(master));
    }

    [Fact]
    public void StallLongerThanReplTimeout_BothSidesNotice_ThenAPartialResync()
    {
        // A backlog big enough for what the writer produces meanwhile: the resync can then be partial.
        using var master = new Node(false, "127.0.0.31", "--repl-timeout", "2", "--repl-ping-replica-period", "1", "--repl-backlog-size", "256mb");
        using var replica = new Node(false, "127.0.0.32", "--repl-timeout", "2");
        using var proxy = new FaultProxy("127.0.0.33", master);
        Assert.Equal("OK", replica.Call("REPLICAOF", proxy.Host, proxy.Port.ToString()).Text);
        using (var writer = new ConcurrentWriter(master, seed: 12))
        {
            writer.WaitForWrites(1000);
            Replicas.WaitUntil(() => replica.RoleOffset() > 0, "the first sync");
            proxy.Stall();
            Replicas.WaitUntil(() => replica.Process.Output.Contains("MASTER timeout: no data nor PING received..."), "the replica to time out");
            Replicas.WaitUntil(() => master.Process.Output.Contains("Disconnecting timedout replica (streaming sync)"), "the master to time out");
            proxy.Resume();
            writer.WaitForWrites(writer.Written + 1000);
            writer.Stop();
        }
        Replicas.WaitUntilCaughtUp(master, replica);
        Replicas.AssertSameData(master, replica);
        var (full, partial) = master.SyncCounts();
        Assert.Equal(1, full);
        Assert.True(partial >= 1, Replicas.Tail(master));
    }

    [Fact]
    public void ReplicaTooSlowForItsOutputBuffer_IsDroppedAndResyncs()
    {
        using var master = new Node(false, "127.0.0.31", "--client-output-buffer-limit", "replica 512kb 256kb 1", "--repl-backlog-size", "16kb");
        using var replica = new Node(false, "127.0.0.32");
        using var proxy = new FaultProxy("127.0.0.33", master);
        Assert.Equal("OK", replica.Call("REPLICAOF", proxy.Host, proxy.Port.ToString()).Text);
        Replicas.WaitUntil(() => replica.RoleOffset() >= 0 && replica.Call("ROLE").Items![3].Text == "connected", "the first sync");
        proxy.Throttle(20_000);
        using (var writer = new ConcurrentWriter(master, seed: 13))
        {
            Replicas.WaitUntil(() => master.Process.Output.Contains("for overcoming of output buffer limits"), "the master to drop the replica");
            proxy.Throttle(0);
            writer.WaitForWrites(writer.Written + 2000);
            writer.Stop();
        }
        Replicas.WaitUntilCaughtUp(master, replica);
        Replicas.AssertSameData(master, replica);
        AssertAlive(master, replica);
    }

    [Fact]
    public void ReplicaRestarted_ContinuesFromItsRdbWithAPartialResync()
    {
        using var master = new Node(false, "127.0.0.31", "--repl-backlog-size", "256mb");
        using var replica = new Node(false, "127.0.0.32");
        Fill(master, 1000);
        replica.ReplicaOf(master);
        Replicas.WaitUntilCaughtUp(master, replica);
        using (var writer = new ConcurrentWriter(master, seed: 14))
        {
            writer.WaitForWrites(1000);
            // The RDB it received (and kept as its dump file) records the master's history and offset.
            replica.Restart("--replicaof", master.Host, master.Port.ToString());
            writer.WaitForWrites(writer.Written + 1000);
            writer.Stop();
        }
        Replicas.WaitUntilCaughtUp(master, replica);
        Replicas.AssertSameData(master, replica);
        Assert.True(master.SyncCounts() == (1L, 1L), $"{master.SyncCounts()}\n{Replicas.Tail(master)}\n{Replicas.Tail(replica, 6000)}");
    }

    [Fact]
    public void MasterRestarted_ReplicaResyncsWithWhatItReloaded()
    {
        using var master = new Node(false, "127.0.0.31", "--appendonly", "yes", "--appendfsync", "always");
        using var replica = new Node(false, "127.0.0.32");
        replica.ReplicaOf(master);
        using (var writer = new ConcurrentWriter(master, seed: 15))
        {
            writer.WaitForWrites(2000);
            writer.Stop();
        }
        master.Restart();
        using (var writer = new ConcurrentWriter(master, seed: 16))
        {
            writer.WaitForWrites(1000);
            writer.Stop();
        }
        Replicas.WaitUntilCaughtUp(master, replica);
        Replicas.AssertSameData(master, replica);
        AssertAlive(master, replica);
    }

    [Fact]
    public void MasterKilledUnderWrites_APromotedReplicaTakesOver_TheOldMasterReturnsAsItsReplica()
    {
        using var master = new Node(false, "127.0.0.31");
        using var first = new Node(false, "127.0.0.32");
        using var second = new Node(false, "127.0.0.33");
        first.ReplicaOf(master);
        second.ReplicaOf(master);
        Replicas.WaitUntilCaughtUp(master, first, second);
        using (var writer = new ConcurrentWriter(master, seed: 17))
        {
            writer.WaitForWrites(3000);
            master.Kill();
            writer.Stop();
        }
        // The replicas may have applied different amounts of the dead master's stream; promote the one further ahead.
        Replicas.WaitUntil(() => first.Call("ROLE").Items![3].Text != "connected" && second.Call("ROLE").Items![3].Text != "connected", "the replicas to notice");
        var (promoted, other) = Offset(first) >= Offset(second) ? (first, second) : (second, first);
        Assert.Equal("OK", promoted.Call("REPLICAOF", "NO", "ONE").Text);
        other.ReplicaOf(promoted);
        master.Restart("--replicaof", promoted.Host, promoted.Port.ToString());
        using (var writer = new ConcurrentWriter(promoted, seed: 18))
        {
            writer.WaitForWrites(2000);
            writer.Stop();
        }
        Replicas.WaitUntilCaughtUp(promoted, other, master);
        Replicas.AssertSameData(promoted, other);
        Replicas.AssertSameData(promoted, master);
        // The other replica continues from where it was; the old master, which may have written more, starts over.
        Assert.True(promoted.SyncCounts().PartialOk >= 1, Replicas.Tail(promoted));
    }

    /// <summary>A replica's applied offset while its master is down (ROLE says -1 then).</summary>
    private static long Offset(Node replica) => long.Parse(replica.Info("replication")["slave_repl_offset"]);
}
