using StackExchange.Redis;
using Vigil.Server.Persistence;
using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.Keys;

namespace Vigil.Server.Tests.Bitmaps;

/// <summary>
/// What bit writes propagate and notify (as redis-cli --replica and a keyevent subscriber show
/// against redis-server 7.0.15: nothing when no bit changed), strings never changed in place, and
/// StackExchange.Redis's bit API.
/// </summary>
public class BitmapKeyspaceTests
{
    [Fact]
    public void BitWrites_PropagateAndNotify_OnlyWhenABitChanges()
    {
        using var server = new TestServer();
        var recorder = ServerRecorder.Attach(server);
        using var c = server.Connect();
        c.Call("SETBIT", "b", "7", "1");
        c.Call("SETBIT", "b", "7", "1");
        c.Call("SETBIT", "b", "7", "0");
        c.Call("SETBIT", "b", "100", "0");
        c.Call("BITFIELD", "nk", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "10");
        c.Call("BITFIELD", "nk2", "GET", "u8", "0");
        c.Call("BITFIELD", "nk3", "SET", "u8", "0", "0");
        c.Call("BITFIELD", "nk3", "SET", "u8", "0", "0");
        c.Call("BITFIELD", "nk3", "SET", "u8", "8", "0");
        c.Call("BITFIELD", "nk3", "SET", "u8", "0", "5", "GET", "u8", "0");
        c.Call("BITFIELD_RO", "nk3", "GET", "u8", "0");
        c.Call("BITOP", "AND", "dst", "nk3", "b");
        c.Call("BITOP", "AND", "dst2", "nokey");
        c.Call("BITOP", "OR", "dst", "nokey");
        Assert.Equal(
        [
            "SETBIT b 7 1", "SETBIT b 7 0", "BITFIELD nk3 SET u8 0 0", "BITFIELD nk3 SET u8 0 5 GET u8 0",
            "BITOP AND dst nk3 b", "BITOP OR dst nokey",
        ], recorder.TakePropagated());
        Assert.Equal(
        [
            "String:setbit@0:b", "String:setbit@0:b", "String:setbit@0:nk3", "String:setbit@0:nk3", "String:set@0:dst", "Generic:del@0:dst",
        ], recorder.TakeEvents().Where(e => !e.StartsWith("KeyMiss")).ToList());
        // The key a failed INCRBY made exists, as in Redis, and the string grown by SETBIT ... 0 kept its length.
        Assert.Equal("$\u0000", c.CallText("GET", "nk"));
        Assert.Equal(":13", c.CallText("STRLEN", "b"));
        Assert.Equal(":0", c.CallText("EXISTS", "nk2"));
    }

    [Fact]
    public void BitWrites_StoreNewArrays_SoASnapshotKeepsTheOldValue()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", "abc", "EX", "100");
        var before = (byte[])server.Fetch("k")!;
        lock (server.Server.Sync) server.Server.Keyspace.CopyOnWrite = new SnapshotGuard();
        c.Call("SETBIT", "k", "7", "0");
        c.Call("BITFIELD", "k", "INCRBY", "u8", "8", "1");
        c.Call("SETBIT", "k", "40", "1");
        lock (server.Server.Sync) server.Server.Keyspace.CopyOnWrite = null;
        Assert.Equal("abc"u8.ToArray(), before);
        Assert.Equal("$`cc\u0000\u0000\u0080", c.CallText("GET", "k"));
        Assert.InRange(c.Call("TTL", "k").Integer, 95, 100);
        Assert.Equal("$raw", c.CallText("OBJECT", "ENCODING", "k"));
    }

    [Fact]
    public async Task BitOperations_WorkThroughStackExchangeRedis()
    {
        using var server = new TestServer();
        var db = server.Db();
        Assert.False(await db.StringSetBitAsync("visits", 3, true));
        Assert.True(await db.StringSetBitAsync("visits", 3, true));
        await db.StringSetBitAsync("visits", 10, true);
        Assert.True(await db.StringGetBitAsync("visits", 10));
        Assert.False(await db.StringGetBitAsync("visits", 11));
        Assert.Equal(2, await db.StringBitCountAsync("visits"));
        Assert.Equal(1, await db.StringBitCountAsync("visits", 1, 1));
        Assert.Equal(1, await db.StringBitCountAsync("visits", 0, 7, StringIndexType.Bit));
        Assert.Equal(3, await db.StringBitPositionAsync("visits", true));
        Assert.Equal(0, await db.StringBitPositionAsync("visits", false));
        Assert.Equal(10, await db.StringBitPositionAsync("visits", true, 4, 15, StringIndexType.Bit));
        await db.StringSetBitAsync("other", 3, true);
        Assert.Equal(2, await db.StringBitOperationAsync(Bitwise.And, "both", "visits", "other"));
        Assert.Equal(1, await db.StringBitCountAsync("both"));
        Assert.Equal(2, await db.StringBitOperationAsync(Bitwise.Not, "inverse", "visits"));
        Assert.Equal(14, await db.StringBitCountAsync("inverse"));
        var fields = await db.ExecuteAsync("BITFIELD", "counters", "INCRBY", "u8", "#0", "200", "INCRBY", "u8", "#0", "100");
        Assert.Equal([200L, 44L], ((RedisResult[])fields!)!.Select(r => (long)r));
    }
}
