using Vigil.Server.Storage;
using Vigil.Server.Tests.Infrastructure;
using static Vigil.Server.Tests.Persistence.PersistenceTestSupport;

namespace Vigil.Server.Tests.Eviction;

/// <summary>
/// used_memory's dataset is kept incrementally (Set/Delete, and the MemoryUsage change of
/// collections around write commands): after every command it must equal a full recount.
/// </summary>
public class MemoryAccountingTests
{
    /// <summary>What the databases' counters should say: every key's array and value, counted one by one.</summary>
    private static long Recount(Database db)
    {
        long bytes = 0;
        for (int slot = 0; slot < db.SlotCount; slot++)
        {
            var key = db.KeyAt(slot);
            if (key == null) continue;
            bytes += ObjectSizes.ByteArray(key.Length) + ObjectSizes.Value(db.ValueAt(slot));
        }
        return bytes;
    }

    private static void AssertCountersExact(TestServer server, string after)
    {
        lock (server.Server.Sync)
        {
            var keyspace = server.Server.Keyspace;
            for (int i = 0; i < keyspace.DatabaseCount; i++)
            {
                long counted = keyspace[i].DataBytes;
                long actual = Recount(keyspace[i]);
                Assert.True(counted == actual, $"db{i} counts {counted}, holds {actual}, after {after}");
            }
        }
    }

    [Fact]
    public void Counters_FollowEveryKindOfWrite()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        using var other = server.Connect();
        string[][] script =
        [
            ["SET", "s", "hello"], ["SET", "s", new string('x', 300)], ["APPEND", "s", "tail"], ["SETRANGE", "s", "500", "z"],
            ["INCR", "n"], ["INCRBYFLOAT", "n", "1.5"], ["MSET", "a", "1", "b", "22", "c", "333"], ["GETDEL", "a"], ["DEL", "b", "c"],
            ["RPUSH", "l", "1", "2", "3"], ["LPUSH", "l", new string('y', 200)], ["LSET", "l", "0", "short"], ["LINSERT", "l", "BEFORE", "2", "ins"],
            ["LPOP", "l"], ["RPOP", "l", "2"], ["LTRIM", "l", "0", "0"], ["LPOP", "l"], ["RPUSH", "l", "again"],
            ["HSET", "h", "f1", "v1", "f2", "v2"], ["HSET", "h", "big", new string('h', 100)], ["HINCRBY", "h", "cnt", "5"], ["HDEL", "h", "f1", "big"],
            ["SADD", "set", "1", "2", "3"], ["SADD", "set", "member"], ["SREM", "set", "1"], ["SPOP", "set", "2"],
            ["SADD", "set2", "a", "b"], ["SUNIONSTORE", "set3", "set", "set2"], ["SINTERSTORE", "set3", "set", "set2"],
            ["ZADD", "z", "1", "one", "2", "two"], ["ZINCRBY", "z", "5", "one"], ["ZREM", "z", "two"], ["ZPOPMIN", "z"],
            ["ZADD", "zbig", "1", new string('m', 100), "2", "b"], ["ZADD", "zbig", "3", "c"], ["ZUNIONSTORE", "zu", "2", "zbig", "z"], ["ZREMRANGEBYRANK", "zbig", "0", "0"],
            ["SETBIT", "bits", "100", "1"], ["SETBIT", "bits", "10000", "1"], ["BITOP", "OR", "bits2", "bits", "s"],
            ["PFADD", "hll", "a", "b", "c"], ["PFADD", "hll2", "x"], ["PFMERGE", "hll3", "hll", "hll2"], ["PFCOUNT", "hll", "hll2"],
            ["RENAME", "l", "l2"], ["COPY", "h", "hcopy"], ["MOVE", "hcopy", "1"], ["SELECT", "1"], ["HSET", "hcopy", "x", "y"], ["SELECT", "0"],
            ["EXPIRE", "s", "100"], ["PERSIST", "s"], ["SET", "s", "v", "KEEPTTL"], ["SWAPDB", "0", "1"], ["SWAPDB", "0", "1"],
            ["MULTI"], ["RPUSH", "tx", "1", "2"], ["LPOP", "tx"], ["SET", "tx2", "abc"], ["EXEC"],
            ["FLUSHDB"], ["RPUSH", "l", "after-flush"], ["FLUSHALL"],
        ];
        foreach (var command in script)
        {
            if (command[0] == "FLUSHDB")
            {
                // RESTORE of a collection's DUMP stores a value built by the loader.
                string payload = System.Text.Encoding.Latin1.GetString(c.Call("DUMP", "h").Bytes!);
                Assert.Equal("+OK", c.CallText("RESTORE", "restored", "0", payload));
                AssertCountersExact(server, "RESTORE");
            }
            var reply = c.Call(command);
            Assert.False(reply.IsError, $"{string.Join(' ', command)}: {reply}");
            AssertCountersExact(server, string.Join(' ', command));
        }
    }

    [Fact]
    public void Counters_FollowBlockedClientsServedAndLazyExpiry()
    {
        using var server = new TestServer();
        using var blocked = server.Connect();
        using var c = server.Connect();
        blocked.SendRaw(RawClient.Encode("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"));
        WaitUntil(() => c.Call("INFO", "clients").Text!.Contains("blocked_clients:1"));
        c.Call("RPUSH", "src", "a", "b");
        Assert.Equal("a", blocked.Read().Text);
        AssertCountersExact(server, "BLMOVE served");
        c.Call("SET", "gone", "soon", "PX", "1");
        WaitUntil(() => c.Call("GET", "gone").IsNull);
        AssertCountersExact(server, "lazy expiry");
    }

    [Fact]
    public void Counters_StayExactWhileASnapshotIsOpen()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("RPUSH", "l", "1", "2", "3");
        c.Call("HSET", "h", "a", "1");
        Vigil.Server.Persistence.RdbSnapshot snapshot;
        lock (server.Server.Sync) snapshot = Vigil.Server.Persistence.RdbSnapshot.Capture(server.Server);
        try
        {
            // The write commands work on copies (copy-on-write): the copies are what is counted.
            c.Call("RPUSH", "l", new string('q', 1000));
            c.Call("HSET", "h", "b", new string('w', 1000));
            AssertCountersExact(server, "writes during a snapshot");
        }
        finally
        {
            lock (server.Server.Sync) snapshot.Dispose();
        }
    }

    [Fact]
    public void UsedMemory_CountsDatasetTablesAndClientBuffers()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        long before = Info(c, "memory", "used_memory");
        c.Call("SET", "k", new string('v', 100_000));
        long after = Info(c, "memory", "used_memory");
        Assert.True(after - before is >= 100_000 and <= 110_000, $"{after - before}");
        var memory = InfoFields(c, "memory");
        Assert.Equal(memory["used_memory"], memory["used_memory_dataset"] + memory["used_memory_overhead"]);

        // Half a 4 MB command waits in the query buffer: the client's buffers grow and are counted.
        long clients = Info(c, "memory", "mem_clients_normal");
        using var writer = server.Connect();
        writer.SendRaw("*3\r\n$3\r\nSET\r\n$1\r\nq\r\n$4000000\r\n" + new string('p', 2_000_000));
        WaitUntil(() => Info(c, "memory", "mem_clients_normal") > clients + 2_000_000);
        writer.Dispose();
        WaitUntil(() => Info(c, "memory", "mem_clients_normal") < clients + 100_000);
    }

    internal static long Info(RawClient c, string section, string field) => InfoFields(c, section)[field];

    /// <summary>One INFO section's numeric fields.</summary>
    internal static Dictionary<string, long> InfoFields(RawClient c, string section)
    {
        var fields = new Dictionary<string, long>();
        foreach (var line in c.Call("INFO", section).Text!.Split("\r\n"))
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && long.TryParse(line[(colon + 1)..], out long value)) fields[line[..colon]] = value;
        }
        return fields;
    }
}
