using Vigil.Server.Persistence;
using Vigil.Server.Storage;
using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.Keys;

namespace Vigil.Server.Tests.Sets;

/// <summary>Sets through the generic key commands, encodings, copy-on-write and memory accounting.</summary>
public class SetKeyspaceTests
{
    [Fact]
    public void Encoding_IsIntsetForFewCanonicalIntegers_HashtableOtherwise_AndNeverGoesBack()
    {
        using var server = new TestServer(c => c.SetMaxIntsetEntries = 2);
        using var c = server.Connect();
        c.Call("SADD", "two", "1", "2");
        Assert.Equal("$intset", c.CallText("OBJECT", "ENCODING", "two"));
        c.Call("SADD", "three", "1", "2", "3");
        Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "three"));
        c.Call("SREM", "three", "1", "2");
        Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "three"));
        c.Call("SADD", "limits", "-9223372036854775808", "9223372036854775807");
        Assert.Equal("$intset", c.CallText("OBJECT", "ENCODING", "limits"));
        foreach (var member in new[] { "01", "9223372036854775808", "-0", " 1", "1.0", "a" })
        {
            c.Call("SADD", "x" + member, member);
            Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "x" + member));
        }
        server.Server.Config.SetMaxIntsetEntries = 0;
        c.Call("SADD", "zero", "1");
        Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "zero"));
    }

    [Fact]
    public void TypeScanCopyRenameMove_WorkOnSets()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SADD", "s", "1", "2");
        c.Call("SADD", "t", "a", "b");
        c.Call("SET", "str", "x");
        Assert.Equal("+set", c.CallText("TYPE", "s"));
        Assert.Equal("$s,$t", string.Join(",", c.Call("SCAN", "0", "TYPE", "set").Items![1].Items!.Select(i => i.ToString()).OrderBy(x => x)));
        foreach (var key in new[] { "s", "t" })
        {
            Assert.Equal(":1", c.CallText("COPY", key, key + "2"));
            c.Call("SADD", key + "2", "new");
            Assert.Equal(":2", c.CallText("SCARD", key));
            Assert.Equal(":3", c.CallText("SCARD", key + "2"));
        }
        c.Call("EXPIRE", "s2", "100");
        Assert.Equal("+OK", c.CallText("RENAME", "s2", "s3"));
        Assert.Equal(":3", c.CallText("SCARD", "s3"));
        Assert.InRange(c.Call("TTL", "s3").Integer, 99, 100);
        Assert.Equal(":1", c.CallText("MOVE", "s3", "2"));
        c.Call("SELECT", "2");
        Assert.Equal(":1", c.CallText("SISMEMBER", "s3", "new"));
    }

    [Fact]
    public void DumpAndRestore_RoundTripBothEncodings_AndRestoreFollowsTheLimits()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SADD", "ints", "5", "-70000", "3000000000", "1");
        c.Call("SADD", "strings", "a", "b", "1");
        foreach (var key in new[] { "ints", "strings" })
        {
            var payload = System.Text.Encoding.Latin1.GetString(c.Call("DUMP", key).Bytes!);
            Assert.Equal("+OK", c.CallText("RESTORE", key + "2", "0", payload));
            Assert.Equal(c.CallText("SMEMBERS", key).Length, c.CallText("SMEMBERS", key + "2").Length);
            Assert.Equal(":0", c.CallText("SCARD", "nokey"));
            Assert.Equal(c.CallText("OBJECT", "ENCODING", key), c.CallText("OBJECT", "ENCODING", key + "2"));
        }
        Assert.Equal("*[$-70000, $1, $5, $3000000000]", c.CallText("SMEMBERS", "ints2"));
        Assert.Equal(RdbFormat.TypeSetIntset, c.Call("DUMP", "ints").Bytes![0]);
        Assert.Equal(RdbFormat.TypeSet, c.Call("DUMP", "strings").Bytes![0]);
        server.Server.Config.SetMaxIntsetEntries = 3;
        c.Call("RESTORE", "ints3", "0", System.Text.Encoding.Latin1.GetString(c.Call("DUMP", "ints").Bytes!));
        Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "ints3"));
        Assert.Equal(":4", c.CallText("SCARD", "ints3"));
    }

    [Fact]
    public void WritesDuringASnapshot_ChangeACopy_AndLeaveTheSnapshotsSetAlone()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SADD", "ints", "1", "2");
        c.Call("SADD", "strings", "a", "b");
        var ints = (RedisSet)server.Fetch("ints")!;
        var strings = (RedisSet)server.Fetch("strings")!;
        lock (server.Server.Sync) server.Server.Keyspace.CopyOnWrite = new SnapshotGuard();
        c.Call("SADD", "ints", "3");
        c.Call("SREM", "strings", "a");
        c.Call("SPOP", "ints");
        c.Call("SMOVE", "strings", "ints", "b");
        lock (server.Server.Sync) server.Server.Keyspace.CopyOnWrite = null;
        Assert.Equal(2, ints.Count);
        Assert.True(ints.Contains("1"u8) && ints.Contains("2"u8));
        Assert.Equal(2, strings.Count);
        Assert.True(strings.Contains("a"u8) && strings.Contains("b"u8));
        Assert.Equal(":0", c.CallText("EXISTS", "strings"));
        Assert.Equal(":3", c.CallText("SCARD", "ints"));
    }

    [Fact]
    public void MemoryUsage_GrowsAndShrinksWithTheSet()
    {
        var set = new RedisSet();
        var limits = EncodingLimits.Default;
        for (int i = 0; i < 500; i++) set.Add(System.Text.Encoding.ASCII.GetBytes(i.ToString()), limits);
        long ints = set.MemoryUsage;
        Assert.InRange(ints, 500 * 2, 500 * 8);
        for (int i = 0; i < 1000; i++) set.Add(System.Text.Encoding.ASCII.GetBytes("member" + i), limits);
        long table = set.MemoryUsage;
        Assert.InRange(table, 1500 * 40, 1500 * 200);
        for (int i = 0; i < 1000; i++) set.Remove(System.Text.Encoding.ASCII.GetBytes("member" + i));
        Assert.InRange(set.MemoryUsage, 1, table / 2);
    }
}
