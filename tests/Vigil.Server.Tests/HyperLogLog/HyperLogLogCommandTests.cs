using StackExchange.Redis;
using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.Keys;
using HLL = Vigil.Server.Storage.HyperLogLog;

namespace Vigil.Server.Tests.HyperLogLog;

/// <summary>
/// PFADD, PFCOUNT, PFMERGE and PFDEBUG: the strings, counts and errors redis-server 7.0.15 gives for
/// the same inputs, byte for byte (the sparse opcodes, the promotion to dense, the cached count).
/// </summary>
public class HyperLogLogCommandTests
{
    [Fact]
    public void AddCountMergeAndDebug_AsRedisDoes()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(":1", c.CallText("pfadd", "h"));
        Assert.Equal("$HYLL\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0080\u007f\u00ff", c.CallText("get", "h"));
        Assert.Equal(":0", c.CallText("pfcount", "h"));
        Assert.Equal("$HYLL\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u007f\u00ff", c.CallText("get", "h"));
        Assert.Equal(":1", c.CallText("pfadd", "h", "a", "b", "c", "d", "e", "f", "g"));
        Assert.Equal(":7", c.CallText("pfcount", "h"));
        Assert.Equal("$HYLL\u0001\u0000\u0000\u0000\u0007\u0000\u0000\u0000\u0000\u0000\u0000\u0000Fm\u0080V\u000c\u0080D<\u00848\u0080P\u00b1\u0084I\u008c\u0080Bm\u0080BZ", c.CallText("get", "h"));
        Assert.Equal(":0", c.CallText("pfadd", "h", "a"));
        Assert.Equal(":7", c.CallText("pfcount", "h"));
        Assert.Equal(":1", c.CallText("pfadd", "h2", "x", "y", "z", "a"));
        Assert.Equal(":10", c.CallText("pfcount", "h", "h2"));
        Assert.Equal(":7", c.CallText("pfcount", "h", "nokey"));
        Assert.Equal(":0", c.CallText("pfcount", "nokey"));
        Assert.Equal("+OK", c.CallText("pfmerge", "m", "h", "h2"));
        Assert.Equal(":10", c.CallText("pfcount", "m"));
        Assert.Equal("+OK", c.CallText("pfmerge", "m2"));
        Assert.Equal(":1", c.CallText("exists", "m2"));
        Assert.Equal(":0", c.CallText("pfcount", "m2"));
        Assert.Equal("+sparse", c.CallText("pfdebug", "encoding", "h"));
        Assert.Equal("$Z:1646 v:1,1 Z:5645 v:1,1 Z:1085 v:2,1 z:57 v:1,1 Z:4274 v:2,1 Z:2445 v:1,1 Z:622 v:1,1 Z:603", c.CallText("pfdebug", "decode", "h"));
        Assert.Equal("-ERR The specified key does not exist", c.CallText("pfdebug", "encoding", "nokey"));
        Assert.Equal("-ERR Unknown PFDEBUG subcommand 'foo'", c.CallText("pfdebug", "foo", "h"));
        Assert.Equal(":1", c.CallText("pfdebug", "todense", "h"));
        Assert.Equal("+dense", c.CallText("pfdebug", "encoding", "h"));
        Assert.Equal(":0", c.CallText("pfdebug", "todense", "h"));
        Assert.Equal("-ERR HLL encoding is not sparse", c.CallText("pfdebug", "decode", "h"));
        Assert.Equal(":7", c.CallText("pfcount", "h"));
        Assert.Equal("+OK", c.CallText("set", "s", "abc"));
        Assert.Equal("-WRONGTYPE Key is not a valid HyperLogLog string value.", c.CallText("pfadd", "s", "a"));
        Assert.Equal("-WRONGTYPE Key is not a valid HyperLogLog string value.", c.CallText("pfcount", "s"));
        Assert.Equal("-WRONGTYPE Key is not a valid HyperLogLog string value.", c.CallText("pfmerge", "m", "s"));
        Assert.Equal("-WRONGTYPE Key is not a valid HyperLogLog string value.", c.CallText("pfdebug", "encoding", "s"));
        Assert.Equal(":1", c.CallText("lpush", "l", "a"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("pfadd", "l", "a"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("pfcount", "l"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("pfcount", "h", "l"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("pfmerge", "l", "h"));
        Assert.Equal("+OK", c.CallText("set", "fake", "HYLL\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0080O\u00ff"));
        Assert.Equal("-INVALIDOBJ Corrupted HLL object detected", c.CallText("pfcount", "fake"));
        Assert.Equal("-INVALIDOBJ Corrupted HLL object detected", c.CallText("pfadd", "fake", "a"));
        Assert.Equal("+OK", c.CallText("set", "fake2", "HYLL\u0002\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0080"));
        Assert.Equal("-WRONGTYPE Key is not a valid HyperLogLog string value.", c.CallText("pfcount", "fake2"));
        Assert.Equal("+OK", c.CallText("set", "fake3", "HYLL\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0080\u0000"));
        Assert.Equal("-WRONGTYPE Key is not a valid HyperLogLog string value.", c.CallText("pfcount", "fake3"));
        Assert.Equal("$raw", c.CallText("object", "encoding", "h2"));
        Assert.Equal("-ERR The specified key does not exist", c.CallText("pfdebug", "getreg", "nokey"));
    }

    [Fact]
    public void Counts_MatchRedis_AcrossThePromotionToDense()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        // PFCOUNT after each batch of 100 new elements, as redis-server 7.0.15 answered.
        long[] expected = [100,200,302,403,506,606,704,804,906,1008,1107,1207,1309,1407,1509,1602,1700,1796,1901,2000,2094,2189,2285,2381,2482,2582,2682,2784,2885,2979];
        for (int batch = 0; batch < 120; batch++)
        {
            var args = new List<string> { "PFADD", "big" };
            for (int i = 0; i < 100; i++) args.Add("e" + (batch * 100 + i));
            Assert.Equal(":1", c.CallText(args.ToArray()));
            if (batch < expected.Length) Assert.Equal(expected[batch], c.Call("PFCOUNT", "big").Integer);
            if (batch == 29)
            {
                Assert.Equal("+dense", c.CallText("PFDEBUG", "ENCODING", "big"));
                Assert.Equal(":12304", c.CallText("STRLEN", "big"));
            }
        }
        Assert.Equal(":11932", c.CallText("PFCOUNT", "big"));
        var other = new List<string> { "PFADD", "other" };
        for (int i = 0; i < 500; i++) other.Add("x" + i);
        Assert.Equal(":1", c.CallText(other.ToArray()));
        Assert.Equal(":12446", c.CallText("PFCOUNT", "big", "other"));
        Assert.Equal("+OK", c.CallText("PFMERGE", "both", "big", "other"));
        Assert.Equal(":12446", c.CallText("PFCOUNT", "both"));
        Assert.Equal("+dense", c.CallText("PFDEBUG", "ENCODING", "both"));
        Assert.Equal("+OK", c.CallText("PFMERGE", "sp", "other", "other"));
        Assert.Equal("+sparse", c.CallText("PFDEBUG", "ENCODING", "sp"));
        Assert.Equal(":1038", c.CallText("STRLEN", "sp"));
        Assert.Equal(":499", c.CallText("PFCOUNT", "sp"));
    }

    [Fact]
    public void SparseLimit_FollowsHllSparseMaxBytes()
    {
        using var server = new TestServer(config => config.HllSparseMaxBytes = 40);
        using var c = server.Connect();
        c.Call("PFADD", "h", "a", "b", "c", "d", "e");
        Assert.Equal("+sparse", c.CallText("PFDEBUG", "ENCODING", "h"));
        c.Call("PFADD", "h", "f", "g", "h", "i", "j", "k", "l", "m");
        Assert.Equal("+dense", c.CallText("PFDEBUG", "ENCODING", "h"));
        Assert.Equal(":13", c.CallText("PFCOUNT", "h"));
    }

    [Fact]
    public void CorruptSparseOpcodes_AreReportedOrSplitAsRedisSplitsThem()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        const string Header = "HYLL\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0080";
        // Registers covered twice over (XZERO 12711, VAL 1x4, XZERO 3672): PFADD still splits the run, PFCOUNT refuses it.
        c.Call("SET", "over", Header + "\u0071\u00a6\u0083\u004e\u0057");
        Assert.Equal(":1", c.CallText("PFADD", "over", "a"));
        Assert.Equal("$" + Header + "\u0071\u00a6\u0084\u0082\u004e\u0057", c.CallText("GET", "over"));
        Assert.Equal("-INVALIDOBJ Corrupted HLL object detected", c.CallText("PFCOUNT", "over"));
        Assert.Equal("-INVALIDOBJ Corrupted HLL object detected", c.CallText("PFCOUNT", "over", "nokey"));
        Assert.Equal("-INVALIDOBJ Corrupted HLL object detected", c.CallText("PFMERGE", "dst", "over"));
        Assert.Equal("-INVALIDOBJ Corrupted HLL object detected", c.CallText("PFDEBUG", "TODENSE", "over"));
        Assert.Equal(":0", c.CallText("EXISTS", "dst"));
        Assert.Equal("+PONG", c.CallText("PING"));
    }

    [Fact]
    public void ValueRunPastTheLastRegister_IsCorruptForCountMergeAndToDense()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        // A valid sparse HLL, then garbage that starts with a VAL opcode (a differential tester find).
        c.Call("PFADD", "h", "a");
        Assert.Equal(":22", c.CallText("APPEND", "h", "\u00db"));
        Assert.Equal("-INVALIDOBJ Corrupted HLL object detected", c.CallText("PFCOUNT", "h"));
        Assert.Equal("-INVALIDOBJ Corrupted HLL object detected", c.CallText("PFCOUNT", "h", "x"));
        Assert.Equal("-INVALIDOBJ Corrupted HLL object detected", c.CallText("PFMERGE", "d", "h"));
        Assert.Equal("-INVALIDOBJ Corrupted HLL object detected", c.CallText("PFDEBUG", "TODENSE", "h"));
        Assert.Equal("+sparse", c.CallText("PFDEBUG", "ENCODING", "h"));
        Assert.Equal(":0", c.CallText("EXISTS", "d"));
    }

    [Fact]
    public void SelfTest_DenseRegistersAndSparseAgreement()
    {
        Assert.Null(HLL.SelfTest(20, 100_000, 3000, new Random(42)));
    }

    [Fact]
    public void Writes_PropagateAndNotify_AsRedisDoes()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        using var watcher = server.Connect();
        c.Call("PFADD", "h", "a", "b");
        c.Call("PFADD", "h", "a");
        watcher.Call("WATCH", "h");
        c.Call("PFCOUNT", "h");
        c.Call("PFCOUNT", "h");
        c.Call("PFCOUNT", "h", "nokey");
        c.Call("PFADD", "h");
        c.Call("PFMERGE", "m", "h");
        c.Call("PFMERGE", "m", "h");
        c.Call("PFCOUNT", "m");
        c.Call("PFDEBUG", "ENCODING", "m");
        c.Call("PFDEBUG", "TODENSE", "m");
        c.Call("PFDEBUG", "TODENSE", "m");
        c.Call("PFDEBUG", "GETREG", "h");
        Assert.Equal(
        [
            "PFADD h a b", "PFCOUNT h", "PFMERGE m h", "PFMERGE m h", "PFCOUNT m", "PFDEBUG TODENSE m", "PFDEBUG GETREG h",
        ], recorder.TakePropagated());
        Assert.Equal(["String:pfadd@0:h", "String:pfadd@0:m", "String:pfadd@0:m"], recorder.TakeEvents().Where(e => !e.StartsWith("KeyMiss")).ToList());
        // Caching the count changed the string: a transaction watching it fails, as in Redis.
        watcher.Call("MULTI");
        watcher.Call("PFCOUNT", "h");
        Assert.Equal("*nil", watcher.CallText("EXEC"));
    }

    [Fact]
    public async Task HyperLogLog_WorksThroughStackExchangeRedis()
    {
        using var server = new TestServer();
        var db = server.Db();
        Assert.True(await db.HyperLogLogAddAsync("visitors", ["alice", "bob", "carol"]));
        Assert.False(await db.HyperLogLogAddAsync("visitors", "alice"));
        Assert.Equal(3, await db.HyperLogLogLengthAsync("visitors"));
        await db.HyperLogLogAddAsync("others", ["dave", "alice"]);
        Assert.Equal(4, await db.HyperLogLogLengthAsync(["visitors", "others"]));
        await db.HyperLogLogMergeAsync("all", "visitors", "others");
        Assert.Equal(4, await db.HyperLogLogLengthAsync("all"));
    }
}
