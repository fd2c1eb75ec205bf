using Vigil.Server.Storage;
using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.Keys;

namespace Vigil.Server.Tests.Hashes;

/// <summary>Hashes through the generic key commands: TYPE, SCAN TYPE, OBJECT ENCODING, COPY, RENAME, MOVE, DUMP/RESTORE.</summary>
public class HashKeyspaceTests
{
    [Fact]
    public void Encoding_FollowsTheListpackLimits_AndNeverGoesBack()
    {
        using var server = new TestServer(c =>
        {
            c.HashMaxListpackEntries = 2;
            c.HashMaxListpackValue = 3;
        });
        using var c = server.Connect();
        c.Call("HSET", "small", "a", "1", "b", "2");
        Assert.Equal("$listpack", c.CallText("OBJECT", "ENCODING", "small"));
        c.Call("HSET", "many", "a", "1", "b", "2", "c", "3");
        Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "many"));
        c.Call("HDEL", "many", "a", "b");
        Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "many"));
        c.Call("HSET", "longfield", "abcd", "1");
        Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "longfield"));
        c.Call("HSET", "longvalue", "a", "1234");
        Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "longvalue"));
        // Counters that grow past the value limit convert too (hashTypeSet checks every write).
        c.Call("HSET", "counter", "a", "1");
        c.Call("HINCRBY", "counter", "a", "10000");
        Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "counter"));
        c.Call("HSET", "float", "a", "1");
        c.Call("HINCRBYFLOAT", "float", "a", "1000.5");
        Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "float"));
        c.Call("HINCRBY", "newlong", "abcd", "1");
        Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "newlong"));
        Assert.Equal("*[$a, $1, $b, $2]", c.CallText("HGETALL", "small"));
        Assert.Equal("*[$c, $3]", c.CallText("HGETALL", "many"));
    }

    [Fact]
    public void ZeroEntryLimit_MakesEveryHashATable()
    {
        using var server = new TestServer(c => c.HashMaxListpackEntries = 0);
        using var c = server.Connect();
        c.Call("HSET", "h", "a", "1");
        Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "h"));
    }

    [Fact]
    public void TypeScanCopyRenameMove_WorkOnHashes()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("HSET", "h", "a", "1", "b", "2");
        c.Call("SET", "s", "x");
        Assert.Equal("+hash", c.CallText("TYPE", "h"));
        Assert.Equal("*[$0, *[$h]]", c.CallText("SCAN", "0", "TYPE", "hash"));
        Assert.Equal(":1", c.CallText("COPY", "h", "h2"));
        c.Call("HSET", "h2", "a", "changed");
        Assert.Equal("$1", c.CallText("HGET", "h", "a"));
        Assert.Equal("$changed", c.CallText("HGET", "h2", "a"));
        c.Call("EXPIRE", "h2", "100");
        Assert.Equal("+OK", c.CallText("RENAME", "h2", "h3"));
        Assert.Equal("*[$a, $changed, $b, $2]", c.CallText("HGETALL", "h3"));
        Assert.InRange(c.Call("TTL", "h3").Integer, 99, 100);
        Assert.Equal(":1", c.CallText("MOVE", "h3", "1"));
        c.Call("SELECT", "1");
        Assert.Equal("$changed", c.CallText("HGET", "h3", "a"));
        Assert.Equal("$listpack", c.CallText("OBJECT", "ENCODING", "h3"));
    }

    [Fact]
    public void CopyOfAHashtable_IsIndependent()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        var args = new List<string> { "HSET", "h" };
        // More fields than hash-max-listpack-entries (512 in Redis 7.0).
        for (int i = 0; i < 600; i++) args.AddRange(["f" + i, "v" + i]);
        c.Call(args.ToArray());
        Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "h"));
        c.Call("COPY", "h", "h2");
        c.Call("HDEL", "h2", "f0");
        c.Call("HSET", "h2", "f1", "x");
        Assert.Equal(":600", c.CallText("HLEN", "h"));
        Assert.Equal(":599", c.CallText("HLEN", "h2"));
        Assert.Equal("$v1", c.CallText("HGET", "h", "f1"));
        Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "h2"));
    }

    [Fact]
    public void MemoryUsage_GrowsAndShrinksWithTheHash()
    {
        var hash = new RedisHash();
        var limits = EncodingLimits.Default;
        for (int i = 0; i < 1000; i++) hash.Set(System.Text.Encoding.ASCII.GetBytes("field" + i), new byte[100], limits);
        long full = hash.MemoryUsage;
        Assert.InRange(full, 1000 * 100, 1000 * 300);
        for (int i = 0; i < 1000; i++) hash.Remove(System.Text.Encoding.ASCII.GetBytes("field" + i));
        Assert.InRange(hash.MemoryUsage, 1, full / 10);
    }

    [Fact]
    public void DumpAndRestore_RoundTripBothEncodings_AndRestoreFollowsTheLimits()
    {
        using var server = new TestServer(c => c.HashMaxListpackEntries = 4);
        using var c = server.Connect();
        c.Call("HSET", "small", "a", "1", "n", "-12345", "big", "9223372036854775807");
        c.Call("HSET", "large", "a", "1", "b", "2", "c", "3", "d", "4", "e", new string('x', 100));
        foreach (var key in new[] { "small", "large" })
        {
            var payload = System.Text.Encoding.Latin1.GetString(c.Call("DUMP", key).Bytes!);
            Assert.Equal("+OK", c.CallText("RESTORE", key + "2", "0", payload));
            Assert.Equal(c.CallText("HGETALL", key), c.CallText("HGETALL", key + "2"));
            Assert.Equal(c.CallText("OBJECT", "ENCODING", key), c.CallText("OBJECT", "ENCODING", key + "2"));
        }
        // The RDB type byte: 16 (hash listpack) for a small hash, 4 (hash) for a large one.
        Assert.Equal(16, c.Call("DUMP", "small").Bytes![0]);
        Assert.Equal(4, c.Call("DUMP", "large").Bytes![0]);
        // A listpack payload with more pairs than the limit becomes a hashtable on RESTORE.
        server.Server.Config.HashMaxListpackEntries = 2;
        var smallPayload = System.Text.Encoding.Latin1.GetString(c.Call("DUMP", "small").Bytes!);
        c.Call("RESTORE", "small3", "0", smallPayload);
        Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "small3"));
        Assert.Equal(":3", c.CallText("HLEN", "small3"));
    }
}
