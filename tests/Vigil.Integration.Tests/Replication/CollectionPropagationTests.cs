namespace Vigil.Integration.Tests.Replication;

/// <summary>
/// Hash and set commands that Redis propagates in another form (HINCRBYFLOAT as HSET, SPOP as SREM,
/// several SREMs in MULTI/EXEC, or DEL), applied by a real redis-server 7.0 replica of Vigil: the
/// replica must end with the master's exact data.
/// </summary>
public class CollectionPropagationTests
{
    [Fact]
    public void RewrittenHashAndSetCommands_ReachARedisReplicaIntact()
    {
        using var master = new Node(false, "127.0.0.31");
        using var replica = new Node(true, "127.0.0.32");
        replica.ReplicaOf(master);
        Replicas.WaitUntil(() => replica.RoleOffset() > 0, $"the replica to sync\n{Replicas.Tail(master)}\n{Replicas.Tail(replica)}");

        using var c = master.Connect();
        c.Call("HINCRBYFLOAT", "h", "f", "0.1");
        c.Call("HINCRBYFLOAT", "h", "f", "0.2");
        c.Call("HINCRBYFLOAT", "h", "g", "1e308");
        c.Call("HINCRBYFLOAT", "h", "g", "1e308");
        c.Call(["SADD", "big", .. Enumerable.Range(0, 100).Select(i => "m" + i)]);
        c.Call("SPOP", "big", "5");      // a few random members: one SREM each
        c.Call("SPOP", "big", "90");     // most of them: what stays is picked, the rest SREMs
        c.Call("SPOP", "big");
        c.Call(["SADD", "ints", .. Enumerable.Range(0, 700).Select(i => i.ToString())]);
        c.Call("SPOP", "ints", "695");   // a hashtable left as an intset of 5
        c.Call("SADD", "gone", "a", "b");
        c.Call("SPOP", "gone", "10");    // everything: DEL
        c.Call("SADD", "a", "1", "2", "3", "x");
        c.Call("SMOVE", "a", "b", "x");
        c.Call("SINTERSTORE", "i", "a", "ints");
        c.Call("SUNIONSTORE", "u", "a", "b", "big");
        c.Call("SDIFFSTORE", "d", "a", "ints");
        c.Call("MULTI");
        c.Call("SPOP", "a", "2");
        c.Call("HSET", "h", "in", "multi");
        c.Call("EXEC");

        Replicas.WaitUntilCaughtUp(master, replica);
        Replicas.AssertSameData(master, replica);
        // As between two Redis: the master rebuilt the set, the replica removed members from its table.
        Assert.Equal("intset", master.Call("OBJECT", "ENCODING", "ints").Text);
        Assert.Equal("hashtable", replica.Call("OBJECT", "ENCODING", "ints").Text);
    }
}
