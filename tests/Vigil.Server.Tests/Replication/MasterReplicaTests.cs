using Vigil.Server.Clients;
using Vigil.Server.Tests.Blocking;
using Vigil.Server.Tests.Keys;

namespace Vigil.Server.Tests.Replication;

/// <summary>A master and its replicas in this process, over real sockets: sync, stream, roles, promotion.</summary>
public class MasterReplicaTests
{
    private static void Write(ReplicationNode node, int from, int count, string prefix = "k")
    {
        using var c = node.Connect();
        for (int i = from; i < from + count; i++) Assert.Equal("+OK", c.CallText("SET", $"{prefix}{i}", $"v{i}"));
    }

    [Fact]
    public void Replica_GetsTheSnapshotThenTheStream_KeyForKey()
    {
        using var master = ReplicationNode.Master();
        Write(master, 0, 50);
        using (var c = master.Connect())
        {
            c.Call("SELECT", "3");
            c.Call("SET", "in3", "x", "PX", "100000");
        }
        using var replica = ReplicationNode.ReplicaOf(master);
        master.WaitForOnlineReplicas(1);
        using (var c = master.Connect())
        {
            Write(master, 50, 50);
            c.Call("DEL", "k0");
            c.Call("INCR", "counter");
            c.Call("INCRBYFLOAT", "float", "1.5");
            c.Call("SELECT", "5");
            c.Call("SET", "in5", "y", "EX", "1000");
            c.Call("MULTI");
            c.Call("SET", "t1", "1");
            c.Call("SET", "t2", "2");
            Assert.Equal("*[+OK, +OK]", c.CallText("EXEC"));
        }
        master.WaitUntilCaughtUp(replica);
        Assert.Equal(master.Contents(), replica.Contents());
        Assert.Equal(105, replica.Contents().Count);
    }

    [Fact]
    public void Replica_RefusesWrites_AndAnswersReads()
    {
        using var master = ReplicationNode.Master();
        using var replica = ReplicationNode.ReplicaOf(master);
        Write(master, 0, 1);
        master.WaitUntilCaughtUp(replica);
        using var c = replica.Connect();
        Assert.Equal("-READONLY You can't write against a read only replica.", c.CallText("SET", "bar", "2"));
        Assert.Equal("$v0", c.CallText("GET", "k0"));
    }

    [Fact]
    public void MinReplicasToWrite_RefusesWrites_UntilAReplicaIsOnline()
    {
        using var master = ReplicationNode.Master(c => c.MinReplicasToWrite = 1);
        using (var c = master.Connect())
        {
            Assert.Equal("-NOREPLICAS Not enough good replicas to write.", c.CallText("SET", "test", "1"));
            Assert.Equal("0", master.Info()["min_slaves_good_slaves"]);
        }
        using var replica = ReplicationNode.ReplicaOf(master);
        master.WaitForOnlineReplicas(1);
        Assert.True(KeyTestExtensions.WaitUntil(() => master.Info()["min_slaves_good_slaves"] == "1", 10_000));
        using (var c = master.Connect()) Assert.Equal("+OK", c.CallText("SET", "test", "1"));
    }

    [Fact]
    public void InfoReplication_ShowsBothSides_AsRedis()
    {
        using var master = ReplicationNode.Master();
        var alone = master.Info();
        Assert.Equal("master", alone["role"]);
        Assert.Equal("0", alone["connected_slaves"]);
        Assert.Equal("0", alone["repl_backlog_active"]);
        Assert.Equal("1048576", alone["repl_backlog_size"]);
        Assert.Equal("0", alone["repl_backlog_first_byte_offset"]);
        Assert.Equal("0000000000000000000000000000000000000000", alone["master_replid2"]);
        Assert.Equal("-1", alone["second_repl_offset"]);
        Assert.False(alone.ContainsKey("min_slaves_good_slaves"));

        using var replica = ReplicationNode.ReplicaOf(master);
        master.WaitForOnlineReplicas(1);
        Write(master, 0, 3);
        master.WaitUntilCaughtUp(replica);
        var info = master.Info();
        Assert.Equal("1", info["connected_slaves"]);
        Assert.Matches($"^ip=127\\.0\\.0\\.1,port={replica.Port},state=online,offset=\\d+,lag=\\d+$", info["slave0"]);
        Assert.Equal("1", info["repl_backlog_active"]);
        Assert.Equal("1", info["repl_backlog_first_byte_offset"]);
        Assert.Equal(info["master_repl_offset"], info["repl_backlog_histlen"]);
        Assert.Equal("no-failover", info["master_failover_state"]);

        var r = replica.Info();
        Assert.Equal("slave", r["role"]);
        Assert.Equal("127.0.0.1", r["master_host"]);
        Assert.Equal(master.Port.ToString(), r["master_port"]);
        Assert.Equal("up", r["master_link_status"]);
        Assert.Equal("0", r["master_sync_in_progress"]);
        Assert.Equal(info["master_repl_offset"], r["slave_repl_offset"]);
        Assert.Equal(info["master_repl_offset"], r["master_repl_offset"]);
        Assert.Equal(info["master_replid"], r["master_replid"]);
        Assert.Equal("100", r["slave_priority"]);
        Assert.Equal("1", r["slave_read_only"]);
        Assert.Equal("1", r["replica_announced"]);
        Assert.False(r.ContainsKey("master_link_down_since_seconds"));
        string[] replicaOrder =
        [
            "role", "master_host", "master_port", "master_link_status", "master_last_io_seconds_ago", "master_sync_in_progress",
            "slave_read_repl_offset", "slave_repl_offset", "slave_priority", "slave_read_only", "replica_announced", "connected_slaves",
            "master_failover_state", "master_replid", "master_replid2", "master_repl_offset", "second_repl_offset", "repl_backlog_active",
            "repl_backlog_size", "repl_backlog_first_byte_offset", "repl_backlog_histlen",
        ];
        Assert.Equal(replicaOrder, r.Keys);
    }

    [Fact]
    public void Role_OnMasterAndReplica()
    {
        using var master = ReplicationNode.Master();
        using var replica = ReplicationNode.ReplicaOf(master);
        Write(master, 0, 1);
        master.WaitUntilCaughtUp(replica);
        Assert.True(KeyTestExtensions.WaitUntil(() =>
        {
            using var c = master.Connect();
            return c.CallText("ROLE") == $"*[$master, :{master.Offset}, *[*[$127.0.0.1, ${replica.Port}, ${master.Offset}]]]";
        }, 10_000));
        using var r = replica.Connect();
        Assert.Equal($"*[$slave, $127.0.0.1, :{master.Port}, $connected, :{master.Offset}]", r.CallText("ROLE"));
    }

    [Fact]
    public void Promotion_OtherReplicasAndTheOldMaster_ContinuePartially()
    {
        using var master = ReplicationNode.Master();
        using var first = ReplicationNode.ReplicaOf(master);
        using var second = ReplicationNode.ReplicaOf(master);
        Write(master, 0, 20);
        master.WaitUntilCaughtUp(first, second);
        string oldId = master.Info()["master_replid"];
        long promotedAt = first.Offset;

        using (var c = first.Connect())
        {
            Assert.Equal("+OK", c.CallText("REPLICAOF", "NO", "ONE"));
            Assert.Equal("+OK", c.CallText("SET", "after", "promotion"));
        }
        var promoted = first.Info();
        Assert.Equal("master", promoted["role"]);
        Assert.Equal(oldId, promoted["master_replid2"]);
        Assert.Equal((promotedAt + 1).ToString(), promoted["second_repl_offset"]);

        var before = first.SyncStats();
        using (var c = second.Connect()) Assert.Equal("+OK", c.CallText("REPLICAOF", "127.0.0.1", first.Port.ToString()));
        using (var c = master.Connect()) Assert.Equal("+OK", c.CallText("REPLICAOF", "127.0.0.1", first.Port.ToString()));
        first.WaitUntilCaughtUp(second, master);
        var after = first.SyncStats();
        Assert.Equal(before.Full, after.Full);
        Assert.Equal(before.PartialOk + 2, after.PartialOk);
        Assert.Equal(first.Contents(), second.Contents());
        Assert.Equal(first.Contents(), master.Contents());
        Assert.Equal(promoted["master_replid"], second.Info()["master_replid"]);
        Assert.Equal(oldId, second.Info()["master_replid2"]);
    }

    [Fact]
    public void LostLink_ReconnectsAndContinuesFromTheBacklog()
    {
        using var master = ReplicationNode.Master();
        using var replica = ReplicationNode.ReplicaOf(master);
        Write(master, 0, 10);
        master.WaitUntilCaughtUp(replica);
        var before = master.SyncStats();
        lock (master.Node.Sync)
        {
            foreach (var client in master.Node.Clients.Snapshot())
            {
                if (client.HasFlag(ClientFlags.Replica)) client.Kill();
            }
        }
        Write(master, 10, 10);
        master.WaitUntilCaughtUp(replica);
        Assert.Equal(master.Contents(), replica.Contents());
        var after = master.SyncStats();
        Assert.Equal(before.Full, after.Full);
        Assert.Equal(before.PartialOk + 1, after.PartialOk);
    }

    [Fact]
    public void ChainedReplica_GetsTheMastersStream()
    {
        using var master = ReplicationNode.Master();
        using var middle = ReplicationNode.ReplicaOf(master);
        master.WaitForOnlineReplicas(1);
        using var leaf = ReplicationNode.ReplicaOf(middle);
        middle.WaitForOnlineReplicas(1);
        Write(master, 0, 30);
        master.WaitUntilCaughtUp(middle, leaf);
        Assert.Equal(master.Contents(), leaf.Contents());
        Assert.Equal(master.Info()["master_replid"], leaf.Info()["master_replid"]);
    }

    [Fact]
    public void ExpiredKey_IsDeletedOnReplicas_OnlyByTheMastersDel()
    {
        using var master = ReplicationNode.Master();
        using var replica = ReplicationNode.ReplicaOf(master);
        master.WaitForOnlineReplicas(1);
        using (var c = master.Connect()) c.Call("SET", "short", "v", "PX", "300");
        master.WaitUntilCaughtUp(replica);
        Assert.True(KeyTestExtensions.WaitUntil(() =>
        {
            using var r = replica.Connect();
            return r.CallText("GET", "short") == "$nil" || r.CallText("EXISTS", "short") == ":0";
        }, 10_000));
        // The master's active expiry deletes it and propagates DEL; only then does the replica drop it.
        Assert.True(KeyTestExtensions.WaitUntil(() => replica.Contents().Count == 0, 10_000));
        Assert.Empty(master.Contents());
    }

    [Fact]
    public void DiskBasedSync_AndSwapdbLoad_GiveTheSameData()
    {
        using var master = ReplicationNode.Master(c => c.ReplDisklessSync = false);
        Write(master, 0, 100);
        using var replica = ReplicationNode.ReplicaOf(master, c => c.ReplDisklessLoad = "swapdb");
        master.WaitForOnlineReplicas(1);
        Write(master, 100, 10);
        master.WaitUntilCaughtUp(replica);
        Assert.Equal(master.Contents(), replica.Contents());
    }

    [Theory]
    [InlineData("swapdb")]
    [InlineData("on-empty-db")]
    public void StreamedRdb_LoadedStraightFromTheSocket_StopsAtItsEndMark(string mode)
    {
        using var master = ReplicationNode.Master();
        Write(master, 0, 200);
        using var replica = ReplicationNode.ReplicaOf(master, c => c.ReplDisklessLoad = mode);
        master.WaitForOnlineReplicas(1);
        Write(master, 200, 10);
        master.WaitUntilCaughtUp(replica);
        Assert.Equal(master.Contents(), replica.Contents());
    }

    [Fact]
    public void Wait_AnswersOnceReplicasAcknowledgedTheClientsWrites()
    {
        using var master = ReplicationNode.Master();
        using var first = ReplicationNode.ReplicaOf(master);
        using var second = ReplicationNode.ReplicaOf(master);
        master.WaitForOnlineReplicas(2);
        using var c = master.Connect();
        Assert.Equal("+OK", c.CallText("SET", "k", "v"));
        // Generous timeout: it answers as soon as both ACK (it asks them with GETACK), not after it.
        Assert.Equal(":2", c.CallText("WAIT", "2", "60000"));
        Assert.Equal(":2", c.CallText("WAIT", "1", "0"));
        // More replicas than exist: the timeout answers with the count that did acknowledge.
        Assert.Equal(":2", c.CallText("WAIT", "3", "200"));
        c.Call("MULTI");
        c.Call("WAIT", "5", "0");
        Assert.Equal("*[:2]", c.CallText("EXEC"));
    }

    [Fact]
    public void Wait_WithoutReplicas_TimesOutWithZero_AndOnAReplicaIsRefused()
    {
        using var master = ReplicationNode.Master();
        using (var c = master.Connect())
        {
            c.Call("SET", "k", "v");
            Assert.Equal(":0", c.CallText("WAIT", "0", "0"));
            Assert.Equal(":0", c.CallText("WAIT", "1", "100"));
            Assert.Equal("-ERR value is not an integer or out of range", c.CallText("WAIT", "a", "0"));
            Assert.Equal("-ERR timeout is negative", c.CallText("WAIT", "0", "-1"));
            Assert.Equal("-ERR timeout is not an integer or out of range", c.CallText("WAIT", "0", "1.5"));
            // A timeout too far away to add to the clock waits for ever, as redis-server's does.
            string id = c.CallText("CLIENT", "ID")[1..];
            c.Send("WAIT", "1", long.MaxValue.ToString());
            master.Server.WaitForBlocked(1);
            using var admin = master.Connect();
            Assert.Equal(":1", admin.CallText("CLIENT", "UNBLOCK", id));
            Assert.Equal(":0\r\n", c.ReadRawReply());
        }
        using var replica = ReplicationNode.ReplicaOf(master);
        using var r = replica.Connect();
        Assert.StartsWith("-ERR WAIT cannot be used with replica instances.", r.CallText("WAIT", "0", "0"));
    }

    [Fact]
    public void DebugChangeReplId_MakesTheNextResyncFull()
    {
        using var master = ReplicationNode.Master(c => c.EnableDebugCommand = "yes");
        using var replica = ReplicationNode.ReplicaOf(master);
        Write(master, 0, 5);
        master.WaitUntilCaughtUp(replica);
        string before = master.Info()["master_replid"];
        using (var c = master.Connect()) Assert.Equal("+OK", c.CallText("DEBUG", "CHANGE-REPL-ID"));
        Assert.NotEqual(before, master.Info()["master_replid"]);
        var stats = master.SyncStats();
        lock (master.Node.Sync)
        {
            foreach (var client in master.Node.Clients.Snapshot())
            {
                if (client.HasFlag(ClientFlags.Replica)) client.Kill();
            }
        }
        Write(master, 5, 5);
        master.WaitUntilCaughtUp(replica);
        Assert.Equal(stats.Full + 1, master.SyncStats().Full);
        Assert.Equal(master.Contents(), replica.Contents());
    }
}
