using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.SortedSets;

/// <summary>ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD; every reply as redis-server 7.0.15 gave it.</summary>
public class SortedSetAlgebraTests
{
    [Fact]
    public void UnionInterDiff_WithWeightsAggregatesAndErrors()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(":3", c.CallText("zadd", "a", "1", "x", "2", "y", "3", "z"));
        Assert.Equal(":3", c.CallText("zadd", "b", "10", "y", "20", "z", "30", "w"));
        Assert.Equal("+OK", c.CallText("set", "str", "v"));
        Assert.Equal("*[$x, $y, $z, $w]", c.CallText("zunion", "2", "a", "b"));
        Assert.Equal("*[$x, $1, $y, $12, $z, $23, $w, $30]", c.CallText("zunion", "2", "a", "b", "withscores"));
        Assert.Equal("*[$x, $2, $y, $5, $z, $10, $w, $15]", c.CallText("zunion", "2", "a", "b", "weights", "2", "0.5", "aggregate", "max", "withscores"));
        Assert.Equal("*[$x, $1, $y, $2, $z, $3, $w, $30]", c.CallText("zunion", "2", "a", "b", "aggregate", "min", "withscores"));
        Assert.Equal("-ERR weight value is not a float", c.CallText("zunion", "2", "a", "b", "weights", "2", "withscores"));
        Assert.Equal("-ERR weight value is not a float", c.CallText("zunion", "2", "a", "b", "weights", "2", "x"));
        Assert.Equal("-ERR syntax error", c.CallText("zunion", "2", "a", "b", "aggregate", "foo"));
        Assert.Equal("-ERR syntax error", c.CallText("zunion", "2", "a", "b", "aggregate"));
        Assert.Equal("-ERR at least 1 input key is needed for 'zunion' command", c.CallText("zunion", "0", "a"));
        Assert.Equal("-ERR at least 1 input key is needed for 'zunion' command", c.CallText("zunion", "-1", "a"));
        Assert.Equal("-ERR syntax error", c.CallText("zunion", "3", "a", "b"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("zunion", "x", "a", "b"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zunion", "2", "a", "str"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zunion", "2", "a", "str", "foo"));
        Assert.Equal("*[$x, $1, $y, $2, $z, $3]", c.CallText("zunion", "2", "a", "nokey", "withscores"));
        Assert.Equal("-ERR weight value is not a float", c.CallText("zunion", "2", "a", "b", "weights", "1", "nan"));
        Assert.Equal("*[$w, $-inf, $y, $0, $z, $0, $x, $inf]", c.CallText("zunion", "2", "a", "b", "weights", "inf", "-inf", "withscores"));
        Assert.Equal("*[$x, $2, $w, $3, $y, $5, $z, $8]", c.CallText("zunion", "2", "a", "b", "weights", "0x1p1", "1e-1", "withscores"));
        Assert.Equal("*[$y, $12, $z, $23]", c.CallText("zinter", "2", "a", "b", "withscores"));
        Assert.Equal("*[$y, $20, $z, $40]", c.CallText("zinter", "2", "a", "b", "weights", "1", "2", "aggregate", "min", "withscores", "aggregate", "max"));
        Assert.Equal("*[]", c.CallText("zinter", "2", "a", "nokey"));
        Assert.Equal("*[$x, $3, $y, $6, $z, $9]", c.CallText("zinter", "2", "a", "a", "weights", "1", "2", "withscores"));
        Assert.Equal("*[$y, $10, $z, $20, $w, $30]", c.CallText("zinter", "1", "b", "withscores"));
        Assert.Equal("*[$x, $1]", c.CallText("zdiff", "2", "a", "b", "withscores"));
        Assert.Equal("*[$w]", c.CallText("zdiff", "2", "b", "a"));
        Assert.Equal("-ERR syntax error", c.CallText("zdiff", "2", "a", "b", "weights", "1", "1"));
        Assert.Equal("-ERR syntax error", c.CallText("zdiff", "2", "a", "b", "aggregate", "sum"));
        Assert.Equal("*[$x, $1, $y, $2, $z, $3]", c.CallText("zdiff", "1", "a", "withscores"));
        Assert.Equal("*[]", c.CallText("zdiff", "2", "nokey", "a"));
        Assert.Equal(":4", c.CallText("zunionstore", "dst", "2", "a", "b"));
        Assert.Equal("*[$x, $1, $y, $12, $z, $23, $w, $30]", c.CallText("zrange", "dst", "0", "-1", "withscores"));
        Assert.Equal("-ERR syntax error", c.CallText("zunionstore", "dst", "2", "a", "b", "withscores"));
        Assert.Equal(":2", c.CallText("zinterstore", "dst", "2", "a", "b", "weights", "1", "1", "aggregate", "max"));
        Assert.Equal("*[$y, $10, $z, $20]", c.CallText("zrange", "dst", "0", "-1", "withscores"));
        Assert.Equal(":0", c.CallText("zinterstore", "dst", "2", "a", "nokey"));
        Assert.Equal(":0", c.CallText("exists", "dst"));
        Assert.Equal(":1", c.CallText("zdiffstore", "dst", "2", "a", "b"));
        Assert.Equal("*[$x, $1]", c.CallText("zrange", "dst", "0", "-1", "withscores"));
        Assert.Equal(":0", c.CallText("zdiffstore", "dst", "2", "a", "a"));
        Assert.Equal(":0", c.CallText("exists", "dst"));
        Assert.Equal("-ERR at least 1 input key is needed for 'zunionstore' command", c.CallText("zunionstore", "dst", "0", "a"));
        Assert.Equal("-ERR at least 1 input key is needed for 'zdiffstore' command", c.CallText("zdiffstore", "dst", "0", "a"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zinterstore", "dst", "1", "str"));
        Assert.Equal(":4", c.CallText("zunionstore", "str", "2", "a", "b"));
        Assert.Equal("+zset", c.CallText("type", "str"));
        Assert.Equal(":2", c.CallText("zintercard", "2", "a", "b"));
        Assert.Equal(":1", c.CallText("zintercard", "2", "a", "b", "limit", "1"));
        Assert.Equal(":2", c.CallText("zintercard", "2", "a", "b", "limit", "0"));
        Assert.Equal("-ERR LIMIT can't be negative", c.CallText("zintercard", "2", "a", "b", "limit", "-1"));
        Assert.Equal("-ERR LIMIT can't be negative", c.CallText("zintercard", "2", "a", "b", "limit", "x"));
        Assert.Equal("-ERR at least 1 input key is needed for 'zintercard' command", c.CallText("zintercard", "0", "a"));
        Assert.Equal("-ERR syntax error", c.CallText("zintercard", "3", "a", "b"));
        Assert.Equal("-ERR syntax error", c.CallText("zintercard", "2", "a", "b", "limit"));
        Assert.Equal("-ERR syntax error", c.CallText("zintercard", "2", "a", "b", "foo", "1"));
        Assert.Equal("-ERR syntax error", c.CallText("zintercard", "2", "a", "b", "weights", "1", "1"));
        Assert.Equal(":0", c.CallText("zintercard", "2", "a", "nokey"));
        Assert.Equal(":4", c.CallText("zintercard", "1", "str"));
        Assert.Equal(":1", c.CallText("zadd", "inf1", "inf", "m"));
        Assert.Equal(":1", c.CallText("zadd", "inf2", "-inf", "m"));
        Assert.Equal("*[$m, $0]", c.CallText("zunion", "2", "inf1", "inf2", "withscores"));
        Assert.Equal("*[$m, $0]", c.CallText("zinter", "2", "inf1", "inf2", "withscores"));
        Assert.Equal("*[$m, $0]", c.CallText("zunion", "1", "inf1", "weights", "0", "withscores"));
        Assert.Equal("*[$m, $-inf]", c.CallText("zinter", "2", "inf1", "inf2", "aggregate", "min", "withscores"));
        Assert.Equal(":1", c.CallText("zadd", "f1", "0.1", "m"));
        Assert.Equal(":1", c.CallText("zadd", "f2", "0.2", "m"));
        Assert.Equal(":2", c.CallText("zadd", "f3", "0.3", "m", "1", "n"));
        Assert.Equal("*[$m, $0.60000000000000009, $n, $1]", c.CallText("zunion", "3", "f3", "f1", "f2", "withscores"));
        Assert.Equal("*[$m, $0.60000000000000009, $n, $1]", c.CallText("zunion", "3", "f1", "f2", "f3", "withscores"));
        Assert.Equal("*[$m, $0.60000000000000009]", c.CallText("zinter", "3", "f3", "f2", "f1", "withscores"));
        Assert.Equal(":1", c.CallText("zadd", "x1", "1", "m"));
        Assert.Equal(":2", c.CallText("zadd", "x2", "1e16", "m", "0", "p"));
        Assert.Equal(":3", c.CallText("zadd", "x3", "-1e16", "m", "0", "q", "0", "r"));
        Assert.Equal("*[$m, $0, $p, $0, $q, $0, $r, $0]", c.CallText("zunion", "3", "x3", "x2", "x1", "withscores"));
        Assert.Equal("*[$m, $0]", c.CallText("zinter", "3", "x3", "x2", "x1", "withscores"));
        Assert.Equal(":1", c.CallText("zinterstore", "dst", "3", "x3", "x2", "x1"));
        Assert.Equal("$0", c.CallText("zscore", "dst", "m"));
    }

    [Fact]
    public void Sets_AreInputsWhoseMembersScoreOne()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(":3", c.CallText("zadd", "a", "1", "x", "2", "y", "3", "z"));
        Assert.Equal(":3", c.CallText("zadd", "b", "10", "y", "20", "z", "30", "w"));
        Assert.Equal(":3", c.CallText("sadd", "s", "y", "w", "q"));
        Assert.Equal(":3", c.CallText("sadd", "ints", "3", "1", "2"));
        Assert.Equal("*[$q, $1, $w, $1, $x, $1, $y, $3, $z, $3]", c.CallText("zunion", "2", "a", "s", "withscores"));
        Assert.Equal("*[$x, $2, $q, $5, $w, $5, $z, $6, $y, $9]", c.CallText("zunion", "2", "a", "s", "weights", "2", "5", "withscores"));
        Assert.Equal("*[$y, $13]", c.CallText("zinter", "3", "a", "b", "s", "withscores"));
        Assert.Equal("*[]", c.CallText("zinter", "2", "s", "ints"));
        Assert.Equal("*[$q, $w]", c.CallText("zdiff", "2", "s", "a"));
        Assert.Equal("*[$1, $1, $2, $1, $3, $1]", c.CallText("zdiff", "2", "ints", "a", "withscores"));
        Assert.Equal(":1", c.CallText("zintercard", "2", "a", "s"));
        Assert.Equal(":6", c.CallText("zunionstore", "dst", "2", "ints", "s"));
        Assert.Equal("*[$1, $1, $2, $1, $3, $1, $q, $1, $w, $1, $y, $1]", c.CallText("zrange", "dst", "0", "-1", "withscores"));
        Assert.Equal("$listpack", c.CallText("object", "encoding", "dst"));
        Assert.Equal(":3", c.CallText("zinterstore", "dst", "2", "s", "s", "weights", "2", "3"));
        Assert.Equal("*[$q, $5, $w, $5, $y, $5]", c.CallText("zrange", "dst", "0", "-1", "withscores"));
    }
}
