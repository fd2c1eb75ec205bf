using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.SortedSets;

/// <summary>OBJECT ENCODING follows Redis 7.0's conversions, and listpack scores print as Redis prints them; replies as redis-server 7.0.15 gave them.</summary>
public class SortedSetEncodingTests
{
    [Fact]
    public void SmallEntryLimit_ConvertsOnGrowthAndBackOnlyInStores()
    {
        using var server = new TestServer(config => config.ZsetMaxListpackEntries = 3);
        using var c = server.Connect();
        Assert.Equal(":3", c.CallText("zadd", "z", "1", "a", "2", "b", "3", "c"));
        Assert.Equal("$listpack", c.CallText("object", "encoding", "z"));
        Assert.Equal("+zset", c.CallText("type", "z"));
        Assert.Equal(":1", c.CallText("zadd", "z", "4", "d"));
        Assert.Equal("$skiplist", c.CallText("object", "encoding", "z"));
        Assert.Equal(":2", c.CallText("zrem", "z", "d", "c"));
        Assert.Equal("$skiplist", c.CallText("object", "encoding", "z"));
        Assert.Equal(":2", c.CallText("zrangestore", "d1", "z", "0", "-1"));
        Assert.Equal("$listpack", c.CallText("object", "encoding", "d1"));
        Assert.Equal(":2", c.CallText("zunionstore", "d2", "1", "z"));
        Assert.Equal("$listpack", c.CallText("object", "encoding", "d2"));
        Assert.Equal(":4", c.CallText("zadd", "big", "1", "a", "2", "b", "3", "c", "4", "d"));
        Assert.Equal(":4", c.CallText("zrangestore", "d3", "big", "0", "-1"));
        Assert.Equal("$skiplist", c.CallText("object", "encoding", "d3"));
        Assert.Equal(":2", c.CallText("zrangestore", "d4", "big", "0", "1"));
        Assert.Equal("$listpack", c.CallText("object", "encoding", "d4"));
        Assert.Equal(":4", c.CallText("zunionstore", "d5", "1", "big"));
        Assert.Equal("$skiplist", c.CallText("object", "encoding", "d5"));
        Assert.Equal(":2", c.CallText("zinterstore", "d6", "2", "big", "z"));
        Assert.Equal("$listpack", c.CallText("object", "encoding", "d6"));
    }

    [Fact]
    public void SmallValueLimit_ConvertsOnLongMembers()
    {
        using var server = new TestServer(config => config.ZsetMaxListpackValue = 5);
        using var c = server.Connect();
        Assert.Equal(":1", c.CallText("zadd", "v", "1", "aaaaaa"));
        Assert.Equal("$skiplist", c.CallText("object", "encoding", "v"));
        Assert.Equal(":1", c.CallText("zadd", "v2", "1", "aaaaa"));
        Assert.Equal("$listpack", c.CallText("object", "encoding", "v2"));
        Assert.Equal(":2", c.CallText("zadd", "v3", "1", "a", "2", "aaaaaa"));
        Assert.Equal("$skiplist", c.CallText("object", "encoding", "v3"));
        Assert.Equal(":0", c.CallText("zadd", "v4", "xx", "1", "aaaaaa"));
        Assert.Equal("$listpack", c.CallText("object", "encoding", "v2"));
        Assert.Equal("$1", c.CallText("zadd", "v2", "incr", "1", "aaaaaa"));
        Assert.Equal("$skiplist", c.CallText("object", "encoding", "v2"));
    }

    [Fact]
    public void ZeroEntryLimit_MakesEverySetASkiplist()
    {
        using var server = new TestServer(config => config.ZsetMaxListpackEntries = 0);
        using var c = server.Connect();
        Assert.Equal(":1", c.CallText("zadd", "e", "1", "a"));
        Assert.Equal("$skiplist", c.CallText("object", "encoding", "e"));
    }

    [Fact]
    public void ListpackScores_ScanAsIntegersUpToTwoToThe62()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(":7", c.CallText("zadd", "q", "1e18", "a", "4611686018427387903", "b", "4611686018427387904", "c", "1e15", "d", "123.0", "e", "-0", "f", "0.5", "g"));
        Assert.Equal("*[$0, *[$f, $0, $g, $0.5, $e, $123, $d, $1000000000000000, $a, $1000000000000000000, $b, $4611686018427387904, $c, $4611686018427387904]]", c.CallText("zscan", "q", "0"));
        Assert.Equal(":1", c.CallText("copy", "q", "q2"));
        Assert.Equal("$listpack", c.CallText("object", "encoding", "q2"));
        Assert.Equal("*[$f, $0, $g, $0.5, $e, $123, $d, $1000000000000000, $a, $1e+18, $b, $4.6116860184273879e+18, $c, $4.6116860184273879e+18]", c.CallText("zrange", "q2", "0", "-1", "withscores"));
    }

    [Fact]
    public void SkiplistScores_KeepNegativeZero()
    {
        using var server = new TestServer(config => config.ZsetMaxListpackEntries = 0);
        using var c = server.Connect();
        Assert.Equal(":3", c.CallText("zadd", "r", "-0", "a", "1e18", "b", "2.5", "c"));
        Assert.Equal("*[$0, *[$a, $-0]]", c.CallText("zscan", "r", "0", "match", "a"));
        Assert.Equal("$-0", c.CallText("zscore", "r", "a"));
        Assert.Equal(":1", c.CallText("copy", "r", "r2"));
        Assert.Equal("$-0", c.CallText("zscore", "r2", "a"));
        Assert.Equal("$skiplist", c.CallText("object", "encoding", "r2"));
    }
}
