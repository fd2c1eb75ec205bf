using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.SortedSets;

/// <summary>ZADD, ZINCRBY, ZREM, scores and ranks through a raw socket; every reply as redis-server 7.0.15 gave it.</summary>
public class SortedSetCommandTests
{
    [Fact]
    public void Add_OptionsCountsAndErrors()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(":3", c.CallText("zadd", "z", "1", "a", "2", "b", "3", "c"));
        Assert.Equal("-ERR XX and NX options at the same time are not compatible", c.CallText("zadd", "z", "nx", "xx", "1", "a"));
        Assert.Equal("-ERR GT, LT, and/or NX options at the same time are not compatible", c.CallText("zadd", "z", "gt", "lt", "1", "a"));
        Assert.Equal("-ERR GT, LT, and/or NX options at the same time are not compatible", c.CallText("zadd", "z", "nx", "gt", "1", "a"));
        Assert.Equal("-ERR GT, LT, and/or NX options at the same time are not compatible", c.CallText("zadd", "z", "NX", "LT", "1", "a"));
        Assert.Equal("-ERR INCR option supports a single increment-element pair", c.CallText("zadd", "z", "incr", "1", "a", "2", "b"));
        Assert.Equal("-ERR wrong number of arguments for 'zadd' command", c.CallText("zadd", "z", "1"));
        Assert.Equal("-ERR wrong number of arguments for 'zadd' command", c.CallText("zadd", "z", "xx"));
        Assert.Equal("$nil", c.CallText("zadd", "z", "incr", "nx", "1", "a"));
        Assert.Equal("$nil", c.CallText("zadd", "z", "incr", "xx", "1", "new"));
        Assert.Equal(":0", c.CallText("zadd", "nokey", "xx", "1", "a"));
        Assert.Equal(":0", c.CallText("exists", "nokey"));
        Assert.Equal("$nil", c.CallText("zadd", "nokey", "xx", "incr", "1", "a"));
        Assert.Equal(":2", c.CallText("zadd", "z", "ch", "5", "a", "2", "b", "9", "d"));
        Assert.Equal(":1", c.CallText("zadd", "z", "gt", "ch", "1", "a", "10", "b"));
        Assert.Equal(":0", c.CallText("zadd", "z", "lt", "0", "d"));
        Assert.Equal("$nil", c.CallText("zadd", "z", "lt", "incr", "5", "d"));
        Assert.Equal("$-5", c.CallText("zadd", "z", "lt", "incr", "-5", "d"));
        Assert.Equal(":1", c.CallText("zadd", "z", "XX", "CH", "GT", "11", "b", "12", "new"));
        Assert.Equal("-ERR syntax error", c.CallText("zadd", "z", "foo", "1", "a"));
        Assert.Equal("-ERR value is not a valid float", c.CallText("zadd", "z", "1", "a", "abc", "2"));
        Assert.Equal("-ERR syntax error", c.CallText("zadd", "z", "1", "a", "2"));
        Assert.Equal(":4", c.CallText("zcard", "z"));
        Assert.Equal("$6.5", c.CallText("zincrby", "z", "1.5", "a"));
        Assert.Equal("-ERR value is not a valid float", c.CallText("zincrby", "z", "abc", "a"));
        Assert.Equal("-ERR wrong number of arguments for 'zincrby' command", c.CallText("zincrby", "z", "1", "a", "b"));
        Assert.Equal("-ERR syntax error", c.CallText("zincrby", "z", "nx", "a"));
        Assert.Equal(":1", c.CallText("zadd", "z", "inf", "x"));
        Assert.Equal("-ERR resulting score is not a number (NaN)", c.CallText("zincrby", "z", "-inf", "x"));
        Assert.Equal("-ERR resulting score is not a number (NaN)", c.CallText("zadd", "z", "incr", "-inf", "x"));
        Assert.Equal("-ERR syntax error", c.CallText("zadd", "z", "1", "y", "incr", "2", "z"));
        Assert.Equal("$inf", c.CallText("zadd", "z", "incr", "0", "x"));
        Assert.Equal("$inf", c.CallText("zscore", "z", "x"));
        Assert.Equal("$nil", c.CallText("zscore", "z", "nope"));
        Assert.Equal("$nil", c.CallText("zscore", "nokey", "a"));
        Assert.Equal("*[$6.5, $nil, $inf]", c.CallText("zmscore", "z", "a", "nope", "x"));
        Assert.Equal("*[$nil, $nil]", c.CallText("zmscore", "nokey", "a", "b"));
        Assert.Equal("-ERR wrong number of arguments for 'zmscore' command", c.CallText("zmscore", "z"));
        Assert.Equal(":1", c.CallText("zrank", "z", "c"));
        Assert.Equal(":4", c.CallText("zrank", "z", "x"));
        Assert.Equal(":3", c.CallText("zrevrank", "z", "c"));
        Assert.Equal(":0", c.CallText("zrevrank", "z", "x"));
        Assert.Equal("$nil", c.CallText("zrank", "z", "nope"));
        Assert.Equal("$nil", c.CallText("zrank", "nokey", "c"));
        Assert.Equal("-ERR wrong number of arguments for 'zrank' command", c.CallText("zrank", "z", "c", "withscore"));
        Assert.Equal(":2", c.CallText("zrem", "z", "a", "nope", "b"));
        Assert.Equal("-ERR wrong number of arguments for 'zrem' command", c.CallText("zrem", "z"));
        Assert.Equal(":0", c.CallText("zrem", "nokey", "a"));
        Assert.Equal(":3", c.CallText("zcard", "z"));
        Assert.Equal(":0", c.CallText("zcard", "nokey"));
    }

    [Fact]
    public void Scores_ParseAndFormatAsRedisDoes()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(":1", c.CallText("zadd", "z", "-0", "a"));
        Assert.Equal("$0", c.CallText("zscore", "z", "a"));
        Assert.Equal("$-0", c.CallText("zadd", "z", "incr", "-0", "b"));
        Assert.Equal("$0", c.CallText("zscore", "z", "b"));
        Assert.Equal(":0", c.CallText("zadd", "z", "0", "b"));
        Assert.Equal(":0", c.CallText("zadd", "z", "-0", "b"));
        Assert.Equal(":1", c.CallText("zadd", "z", "0x10", "c"));
        Assert.Equal(":1", c.CallText("zadd", "z", "1e-310", "d"));
        Assert.Equal(":1", c.CallText("zadd", "z", "1e308", "e"));
        Assert.Equal("$inf", c.CallText("zincrby", "z", "1e308", "e"));
        Assert.Equal(":1", c.CallText("zadd", "z", "1.7976931348623157e308", "f"));
        Assert.Equal(":1", c.CallText("zadd", "z", "0.1", "g"));
        Assert.Equal(":1", c.CallText("zadd", "z", "1e20", "h"));
        Assert.Equal(":1", c.CallText("zadd", "z", "1e-5", "i"));
        Assert.Equal(":1", c.CallText("zadd", "z", "123456789012345678", "j"));
        Assert.Equal(":1", c.CallText("zadd", "z", "-1.5e-7", "k"));
        Assert.Equal(":1", c.CallText("zadd", "z", "+5", "l"));
        Assert.Equal(":1", c.CallText("zadd", "z", ".5", "m"));
        Assert.Equal(":1", c.CallText("zadd", "z", "5.", "n"));
        Assert.Equal(":1", c.CallText("zadd", "z", "-INFINITY", "o"));
        Assert.Equal(":1", c.CallText("zadd", "z", "0x1p3", "p"));
        Assert.Equal("*[$o, $-inf, $k, $-1.4999999999999999e-07, $a, $0, $b, $0, $d, $9.9999999999999694e-311, $i, $1.0000000000000001e-05, $g, $0.10000000000000001, $m, $0.5, $l, $5, $n, $5, $p, $8, $c, $16, $j, $1.2345678901234568e+17, $h, $1e+20, $f, $1.7976931348623157e+308, $e, $inf]", c.CallText("zrange", "z", "0", "-1", "withscores"));
        Assert.Equal("-ERR value is not a valid float", c.CallText("zadd", "z", " 5", "q"));
        Assert.Equal("-ERR value is not a valid float", c.CallText("zadd", "z", "5 ", "q"));
        Assert.Equal("-ERR value is not a valid float", c.CallText("zadd", "z", "5e", "q"));
        Assert.Equal("-ERR value is not a valid float", c.CallText("zadd", "z", "infin", "q"));
        Assert.Equal("-ERR value is not a valid float", c.CallText("zadd", "z", "nan", "q"));
        Assert.Equal("-ERR value is not a valid float", c.CallText("zadd", "z", "1e400", "q"));
        Assert.Equal("-ERR value is not a valid float", c.CallText("zadd", "z", "1e-400", "q"));
        Assert.Equal("-ERR value is not a valid float", c.CallText("zadd", "z", "", "q"));
        Assert.Equal("-ERR value is not a valid float", c.CallText("zadd", "z", "1_000", "q"));
        Assert.Equal("-ERR value is not a valid float", c.CallText("zadd", "z", "1\0", "q"));
    }

    [Fact]
    public void Resp3_RepliesDoublesAndPairs()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(":3", c.CallText("zadd", "z", "1", "a", "2.5", "b", "inf", "c"));
        c.Call("hello", "3");
        Assert.Equal(",2.5", c.CallText("zscore", "z", "b"));
        Assert.Equal("_nil", c.CallText("zscore", "z", "nope"));
        Assert.Equal("*[,1, _nil, ,inf]", c.CallText("zmscore", "z", "a", "nope", "c"));
        Assert.Equal(",2", c.CallText("zincrby", "z", "1", "a"));
        Assert.Equal(",3", c.CallText("zadd", "z", "incr", "1", "a"));
        Assert.Equal("_nil", c.CallText("zadd", "z", "nx", "incr", "1", "a"));
        Assert.Equal("_nil", c.CallText("zrank", "z", "nope"));
        Assert.Equal("*[*[$b, ,2.5], *[$a, ,3], *[$c, ,inf]]", c.CallText("zrange", "z", "0", "-1", "withscores"));
        Assert.Equal("*[$b, $a, $c]", c.CallText("zrange", "z", "0", "-1"));
        Assert.Equal("*[*[$c, ,inf], *[$a, ,3]]", c.CallText("zrevrangebyscore", "z", "+inf", "-inf", "withscores", "limit", "0", "2"));
        Assert.Equal("*[$b, ,2.5]", c.CallText("zpopmin", "z"));
        Assert.Equal("*[*[$a, ,3]]", c.CallText("zpopmin", "z", "1"));
        Assert.Equal("*[]", c.CallText("zpopmax", "z", "0"));
        Assert.Equal(":2", c.CallText("zadd", "z", "1", "a", "2", "b", "3", "c"));
        Assert.Equal("*[$z, *[*[$c, ,3], *[$b, ,2]]]", c.CallText("zmpop", "1", "z", "max", "count", "2"));
        Assert.Equal("*[*[$a, ,1]]", c.CallText("zunion", "1", "z", "withscores"));
        Assert.Equal("*[*[$a, ,1]]", c.CallText("zrandmember", "z", "5", "withscores"));
        Assert.Equal("*[$0, *[$a, $1]]", c.CallText("zscan", "z", "0"));
        c.Call("hello", "2");
    }

    [Fact]
    public void WrongType_IsRefusedByEveryCommand()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("+OK", c.CallText("set", "s", "v"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zadd", "s", "1", "a"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zincrby", "s", "1", "a"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zrem", "s", "a"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zcard", "s"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zscore", "s", "a"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zmscore", "s", "a"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zrank", "s", "a"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zrevrank", "s", "a"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zrange", "s", "0", "1"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zrangebyscore", "s", "0", "1"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zrangebylex", "s", "-", "+"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zcount", "s", "0", "1"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zlexcount", "s", "-", "+"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zremrangebyrank", "s", "0", "1"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zremrangebyscore", "s", "0", "1"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zremrangebylex", "s", "-", "+"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zpopmin", "s"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zpopmax", "s", "2"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zmpop", "1", "s", "min"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zrandmember", "s"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zrandmember", "s", "2"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zscan", "s", "0"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zrangestore", "d", "s", "0", "1"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zunion", "1", "s"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zunionstore", "d", "1", "s"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("zintercard", "1", "s"));
        Assert.Equal(":1", c.CallText("zadd", "z", "1", "a"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("get", "z"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("incr", "z"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value", c.CallText("append", "z", "x"));
    }
}
