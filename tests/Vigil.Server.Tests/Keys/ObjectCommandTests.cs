using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Keys;

/// <summary>OBJECT ENCODING, REFCOUNT, IDLETIME, FREQ, HELP (checked against redis-server 7.0.15).</summary>
public class ObjectCommandTests
{
    [Theory]
    [InlineData("12345", "int")]
    [InlineData("-9223372036854775808", "int")]
    [InlineData("9223372036854775807", "int")]
    [InlineData("123456789012345678901", "embstr")]
    [InlineData("012", "embstr")]
    [InlineData("abc", "embstr")]
    [InlineData("", "embstr")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "embstr")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "raw")]
    public void Encoding_OfStringsSetBySet_MatchesRedis(string value, string expected)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", value);
        Assert.Equal("$" + expected, c.CallText("OBJECT", "ENCODING", "k"));
    }

    [Fact]
    public void Encoding_OfCollections_IsWhatTheValueReports()
    {
        using var server = new TestServer();
        server.Store("l", new FakeList());
        using var c = server.Connect();
        Assert.Equal("$quicklist", c.CallText("object", "encoding", "l"));
        Assert.Equal("$nil", c.CallText("OBJECT", "ENCODING", "missing"));
    }

    [Theory]
    [InlineData("0", 2147483647)]
    [InlineData("9999", 2147483647)]
    [InlineData("10000", 1)]
    [InlineData("-1", 1)]
    [InlineData("abc", 1)]
    public void RefCount_SharesSmallIntegersLikeRedis(string value, long expected)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", value);
        Assert.Equal(expected, c.Call("OBJECT", "REFCOUNT", "k").Integer);
    }

    [Fact]
    public void IncrResults_AreSharedIntegers_UntilABitCommandUnsharesOneKey()
    {
        // redis-server 7.0.15: SETBIT and BITFIELD that change nothing still make their key's string
        // raw, and only that key's; the other counters keep reporting the shared integer.
        using var server = new TestServer();
        using var c = server.Connect();
        foreach (var key in new[] { "a", "b", "c" }) c.Call("INCRBY", key, "5");
        Assert.Equal(":0", c.CallText("SETBIT", "a", "0", "0"));
        Assert.Equal(53, c.Call("BITFIELD", "c", "INCRBY", "u8", "0", "0").Items![0].Integer);
        Assert.Equal("$raw", c.CallText("OBJECT", "ENCODING", "a"));
        Assert.Equal(1, c.Call("OBJECT", "REFCOUNT", "a").Integer);
        Assert.Equal("$raw", c.CallText("OBJECT", "ENCODING", "c"));
        Assert.Equal("$int", c.CallText("OBJECT", "ENCODING", "b"));
        Assert.Equal(2147483647, c.Call("OBJECT", "REFCOUNT", "b").Integer);
        Assert.Equal(":5", c.CallText("INCRBY", "d", "5"));
        Assert.Equal("$int", c.CallText("OBJECT", "ENCODING", "d"));
        Assert.Equal(":6", c.CallText("INCR", "a"));
        Assert.Equal("$5", c.CallText("GET", "c"));
    }

    [Fact]
    public void IdleTime_CountsSecondsSinceTheLastAccess()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", "v");
        // The access clock ticks in seconds; a loaded machine may see one tick between two calls.
        Assert.InRange(c.Call("OBJECT", "IDLETIME", "k").Integer, 0, 1);
        lock (server.Server.Sync)
        {
            var db = server.Server.Keyspace[0];
            db.SetAccessStamp("k"u8, db.AccessStampOf("k"u8) - 7);
        }
        // TYPE, TTL, EXISTS and OBJECT itself do not count as accesses; GET does.
        c.Call("TYPE", "k");
        c.Call("TTL", "k");
        c.Call("EXISTS", "k");
        Assert.InRange(c.Call("OBJECT", "IDLETIME", "k").Integer, 7, 8);
        c.Call("GET", "k");
        Assert.InRange(c.Call("OBJECT", "IDLETIME", "k").Integer, 0, 1);
        Assert.Equal("$nil", c.CallText("OBJECT", "IDLETIME", "missing"));
    }

    [Fact]
    public void Freq_WithoutAnLfuPolicy_IsAnError_IdleTimeWithOne()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "k", "v");
        Assert.Equal("-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
            c.CallText("OBJECT", "FREQ", "k"));
        Assert.Equal("$nil", c.CallText("OBJECT", "FREQ", "missing"));
        lock (server.Server.Sync) server.Server.Keyspace.LfuEnabled = true;
        Assert.Equal("-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
            c.CallText("OBJECT", "IDLETIME", "k"));
    }

    [Fact]
    public void Freq_UnderAnLfuPolicy_StartsAtFiveAndGrowsWithAccesses()
    {
        using var server = new TestServer(c => c.MaxMemoryPolicy = "allkeys-lfu");
        using var c = server.Connect();
        c.Call("SET", "k", "v");
        Assert.Equal(":5", c.CallText("OBJECT", "FREQ", "k"));
        for (int i = 0; i < 200; i++) c.Call("GET", "k");
        Assert.InRange(c.Call("OBJECT", "FREQ", "k").Integer, 6, 255);
    }

    [Fact]
    public void Help_ListsTheSubcommands()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        var help = c.Call("OBJECT", "HELP");
        Assert.Equal(15, help.Items!.Length);
        Assert.Equal("+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", help.Items[0].ToString());
        Assert.Equal("+    Prints this help.", help.Items[^1].ToString());
    }

    [Theory]
    [InlineData("-ERR wrong number of arguments for 'object' command", "OBJECT")]
    [InlineData("-ERR wrong number of arguments for 'object|encoding' command", "OBJECT", "ENCODING")]
    [InlineData("-ERR wrong number of arguments for 'object|help' command", "OBJECT", "HELP", "x")]
    [InlineData("-ERR wrong number of arguments for 'object|freq' command", "OBJECT", "FREQ", "a", "b")]
    [InlineData("-ERR unknown subcommand 'foo'. Try OBJECT HELP.", "OBJECT", "foo")]
    public void Errors_MatchRedis(string expected, params string[] args)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(expected, c.CallText(args));
    }
}
