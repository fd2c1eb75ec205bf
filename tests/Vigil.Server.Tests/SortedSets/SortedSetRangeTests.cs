using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.SortedSets;

/// <summary>ZRANGE and its older forms, ZCOUNT, ZLEXCOUNT, ZRANGESTORE, ZREMRANGEBY*; every reply as redis-server 7.0.15 gave it.</summary>
public class SortedSetRangeTests
{
    [Fact]
    public void RankAndScoreRanges_WithEveryOption()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(":5", c.CallText("zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"));
        Assert.Equal("*[$a, $b, $c, $d, $e]", c.CallText("zrange", "z", "0", "-1"));
        Assert.Equal("*[$b, $2, $c, $3]", c.CallText("zrange", "z", "1", "2", "withscores"));
        Assert.Equal("*[$d, $e]", c.CallText("zrange", "z", "-2", "-1"));
        Assert.Equal("*[$a, $b, $c, $d, $e]", c.CallText("zrange", "z", "-100", "100"));
        Assert.Equal("*[]", c.CallText("zrange", "z", "3", "1"));
        Assert.Equal("*[]", c.CallText("zrange", "z", "5", "10"));
        Assert.Equal("*[]", c.CallText("zrange", "z", "-1", "-3"));
        Assert.Equal("*[$e, $d, $c, $b, $a]", c.CallText("zrange", "z", "0", "-1", "rev"));
        Assert.Equal("*[$e, $5, $d, $4]", c.CallText("zrange", "z", "0", "1", "rev", "withscores"));
        Assert.Equal("*[$e, $5, $d, $4]", c.CallText("zrevrange", "z", "0", "1", "withscores"));
        Assert.Equal("*[$b, $a]", c.CallText("zrevrange", "z", "-2", "-1"));
        Assert.Equal("-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX", c.CallText("zrange", "z", "0", "-1", "limit", "0", "1"));
        // LIMIT with a count of -1 passes on a rank range, and Redis ignores its offset there.
        Assert.Equal("*[$a, $b, $c, $d, $e]", c.CallText("zrange", "z", "0", "-1", "limit", "3", "-1"));
        Assert.Equal("*[$e, $d]", c.CallText("zrange", "z", "0", "1", "rev", "limit", "-1", "-1"));
        Assert.Equal(":2", c.CallText("zrangestore", "dst", "z", "-2", "-1", "limit", "5", "-1"));
        Assert.Equal("-ERR syntax error", c.CallText("zrange", "z", "0", "-1", "rev", "rev"));
        Assert.Equal("-ERR syntax error", c.CallText("zrange", "z", "0", "-1", "byscore", "byscore"));
        Assert.Equal("-ERR syntax error", c.CallText("zrange", "z", "0", "-1", "bylex", "byscore"));
        Assert.Equal("-ERR syntax error", c.CallText("zrange", "z", "0", "-1", "foo"));
        Assert.Equal("-ERR wrong number of arguments for 'zrange' command", c.CallText("zrange", "z", "0"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("zrange", "z", "a", "b"));
        Assert.Equal("*[$b, $c, $d]", c.CallText("zrange", "z", "(1", "4", "byscore"));
        Assert.Equal("*[]", c.CallText("zrange", "z", "(1", "4", "byscore", "rev"));
        Assert.Equal("*[$d, $4, $c, $3, $b, $2]", c.CallText("zrange", "z", "4", "(1", "byscore", "rev", "withscores"));
        Assert.Equal("*[$b, $c]", c.CallText("zrange", "z", "-inf", "+inf", "byscore", "limit", "1", "2"));
        Assert.Equal("*[$b, $c, $d, $e]", c.CallText("zrange", "z", "-inf", "+inf", "byscore", "limit", "1", "-1"));
        Assert.Equal("*[]", c.CallText("zrange", "z", "-inf", "+inf", "byscore", "limit", "-1", "2"));
        Assert.Equal("*[]", c.CallText("zrange", "z", "-inf", "+inf", "byscore", "limit", "0", "0"));
        Assert.Equal("*[]", c.CallText("zrange", "z", "-inf", "+inf", "byscore", "limit", "5", "1"));
        Assert.Equal("*[$d, $4, $c, $3]", c.CallText("zrange", "z", "+inf", "-inf", "byscore", "rev", "limit", "1", "2", "withscores"));
        Assert.Equal("-ERR syntax error, WITHSCORES not supported in combination with BYLEX", c.CallText("zrange", "z", "-", "+", "bylex", "withscores"));
        Assert.Equal("*[$b, $c]", c.CallText("zrange", "z", "[b", "(d", "bylex"));
        Assert.Equal("*[$c, $b, $a]", c.CallText("zrange", "z", "(d", "-", "bylex", "rev"));
        Assert.Equal("*[$b, $c, $d]", c.CallText("zrangebyscore", "z", "2", "4"));
        Assert.Equal("*[$c, $3]", c.CallText("zrangebyscore", "z", "(2", "(4", "withscores"));
        Assert.Equal("*[]", c.CallText("zrangebyscore", "z", "4", "2"));
        Assert.Equal("-ERR syntax error", c.CallText("zrangebyscore", "z", "1", "4", "limit", "1"));
        Assert.Equal("*[$b, $2, $c, $3]", c.CallText("zrangebyscore", "z", "1", "4", "withscores", "limit", "1", "2", "withscores"));
        Assert.Equal("-ERR syntax error", c.CallText("zrangebyscore", "z", "1", "4", "rev"));
        Assert.Equal("-ERR syntax error", c.CallText("zrangebyscore", "z", "1", "4", "bylex"));
        Assert.Equal("-ERR min or max is not a float", c.CallText("zrangebyscore", "z", "a", "4"));
        Assert.Equal("*[$a, $b]", c.CallText("zrangebyscore", "z", " 1", "2"));
        Assert.Equal("*[$a, $b, $c, $d, $e]", c.CallText("zrangebyscore", "z", "", "5"));
        Assert.Equal("*[$a, $b, $c, $d, $e]", c.CallText("zrangebyscore", "z", "(", "5"));
        Assert.Equal("*[$b, $c, $d, $e]", c.CallText("zrangebyscore", "z", "0x2", "5"));
        Assert.Equal("-ERR min or max is not a float", c.CallText("zrangebyscore", "z", "nan", "5"));
        Assert.Equal("*[]", c.CallText("zrangebyscore", "z", "1e400", "inf"));
        Assert.Equal("*[$a, $b, $c, $d, $e]", c.CallText("zrangebyscore", "z", "(-inf", "(+inf"));
        Assert.Equal("*[$a, $b, $c]", c.CallText("zrangebyscore", "z", "1\0abc", "3"));
        Assert.Equal("*[$d, $c]", c.CallText("zrevrangebyscore", "z", "+inf", "-inf", "limit", "1", "2"));
        Assert.Equal("*[$c, $3, $b, $2]", c.CallText("zrevrangebyscore", "z", "3", "(1", "withscores"));
        Assert.Equal("*[]", c.CallText("zrevrangebyscore", "z", "1", "3"));
        Assert.Equal("*[$d, $4]", c.CallText("zrevrangebyscore", "z", "4", "2", "limit", "0", "1", "withscores"));
        Assert.Equal("*[]", c.CallText("zrangebyscore", "nokey", "0", "1"));
        Assert.Equal("*[]", c.CallText("zrange", "nokey", "0", "-1"));
        Assert.Equal(":2", c.CallText("zcount", "z", "2", "3"));
        Assert.Equal(":1", c.CallText("zcount", "z", "(2", "3"));
        Assert.Equal(":0", c.CallText("zcount", "z", "5", "1"));
        Assert.Equal(":5", c.CallText("zcount", "z", "-inf", "+inf"));
        Assert.Equal("-ERR min or max is not a float", c.CallText("zcount", "z", "a", "1"));
        Assert.Equal(":0", c.CallText("zcount", "nokey", "1", "2"));
        Assert.Equal("-ERR min or max is not a float", c.CallText("zcount", "nokey", "a", "2"));
    }

    [Fact]
    public void LexRanges_OverUnequalScores_WalkAListpackAsRedisDoes()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        // Order a(0) c(0) z(0) b(1): members are not sorted, so Redis's answer is its listpack walk
        // from the head (or, reversed, the tail); every reply below is redis-server 7.0.15's.
        c.Call("zadd", "m", "0", "a", "0", "c", "1", "b", "0", "z");
        Assert.Equal("*[$a, $c]", c.CallText("zrangebylex", "m", "-", "[c"));
        Assert.Equal("*[$b, $z, $c, $a]", c.CallText("zrevrangebylex", "m", "[c", "-"));
        Assert.Equal("*[$c, $z, $b]", c.CallText("zrangebylex", "m", "[b", "+"));
        Assert.Equal("*[$b, $z, $c]", c.CallText("zrevrangebylex", "m", "+", "[b"));
        Assert.Equal(":2", c.CallText("zlexcount", "m", "-", "[c"));
        Assert.Equal(":2", c.CallText("zremrangebylex", "m", "-", "[c"));
        Assert.Equal("*[$z, $b]", c.CallText("zrange", "m", "0", "-1"));
        c.Call("zadd", "k", "0", "1", "0.1", "1", "0", "d", "-0", "10");
        Assert.Equal("*[$1, $d, $10]", c.CallText("zrevrangebylex", "k", "[b", "-"));
        Assert.Equal("*[$d, $10]", c.CallText("zrevrangebylex", "k", "[b", "-", "limit", "1", "5"));
        Assert.Equal("*[$10]", c.CallText("zrangebylex", "k", "-", "[b"));
    }

    [Fact]
    public void LexRanges_WithInfinitiesAndBinaryBounds()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(":7", c.CallText("zadd", "l", "0", "a", "0", "ab", "0", "b", "0", "ba", "0", "c", "0", "", "0", "ÿ"));
        Assert.Equal("*[$, $a, $ab, $b, $ba, $c, $ÿ]", c.CallText("zrangebylex", "l", "-", "+"));
        Assert.Equal("*[$a, $ab, $b]", c.CallText("zrangebylex", "l", "[a", "[b"));
        Assert.Equal("*[$ab]", c.CallText("zrangebylex", "l", "(a", "(b"));
        Assert.Equal("*[$, $a, $ab]", c.CallText("zrangebylex", "l", "[", "(b"));
        Assert.Equal("*[$a, $ab, $b, $ba, $c, $ÿ]", c.CallText("zrangebylex", "l", "(", "+"));
        Assert.Equal("*[]", c.CallText("zrangebylex", "l", "[b", "-"));
        Assert.Equal("*[]", c.CallText("zrangebylex", "l", "+", "-"));
        Assert.Equal("*[]", c.CallText("zrangebylex", "l", "+", "+"));
        Assert.Equal("*[]", c.CallText("zrangebylex", "l", "-", "-"));
        Assert.Equal("-ERR min or max not valid string range item", c.CallText("zrangebylex", "l", "a", "b"));
        Assert.Equal("-ERR min or max not valid string range item", c.CallText("zrangebylex", "l", "", "+"));
        Assert.Equal("-ERR min or max not valid string range item", c.CallText("zrangebylex", "l", "+x", "-"));
        Assert.Equal("*[$, $a, $ab, $b, $ba, $c, $ÿ]", c.CallText("zrangebylex", "l", "-\0", "+"));
        Assert.Equal("*[$ab, $b]", c.CallText("zrangebylex", "l", "-", "+", "limit", "2", "2"));
        Assert.Equal("-ERR syntax error", c.CallText("zrangebylex", "l", "-", "+", "limit", "2"));
        Assert.Equal("-ERR syntax error, WITHSCORES not supported in combination with BYLEX", c.CallText("zrangebylex", "l", "-", "+", "withscores"));
        Assert.Equal("*[$c, $ba]", c.CallText("zrevrangebylex", "l", "+", "-", "limit", "1", "2"));
        Assert.Equal("*[$b, $ab, $a]", c.CallText("zrevrangebylex", "l", "[b", "[a"));
        Assert.Equal("*[]", c.CallText("zrevrangebylex", "l", "[a", "[b"));
        Assert.Equal(":7", c.CallText("zlexcount", "l", "-", "+"));
        Assert.Equal(":4", c.CallText("zlexcount", "l", "[b", "+"));
        Assert.Equal("-ERR min or max not valid string range item", c.CallText("zlexcount", "l", "b", "+"));
        Assert.Equal(":2", c.CallText("zlexcount", "l", "(ba", "+"));
        Assert.Equal(":0", c.CallText("zlexcount", "nokey", "-", "+"));
        Assert.Equal(":2", c.CallText("zremrangebylex", "l", "(a", "[b"));
        Assert.Equal("*[$, $a, $ba, $c, $ÿ]", c.CallText("zrangebylex", "l", "-", "+"));
        Assert.Equal(":5", c.CallText("zremrangebylex", "l", "-", "+"));
        Assert.Equal(":0", c.CallText("exists", "l"));
        Assert.Equal("-ERR min or max not valid string range item", c.CallText("zremrangebylex", "l", "a", "b"));
    }

    [Fact]
    public void StoreAndRemoveRanges()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(":4", c.CallText("zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d"));
        Assert.Equal("+OK", c.CallText("set", "dst", "str"));
        Assert.Equal(":2", c.CallText("zrangestore", "dst", "z", "0", "1"));
        Assert.Equal("+zset", c.CallText("type", "dst"));
        Assert.Equal("*[$a, $1, $b, $2]", c.CallText("zrange", "dst", "0", "-1", "withscores"));
        Assert.Equal("-ERR syntax error", c.CallText("zrangestore", "dst", "z", "0", "1", "withscores"));
        Assert.Equal(":0", c.CallText("zrangestore", "dst", "z", "5", "6"));
        Assert.Equal(":0", c.CallText("exists", "dst"));
        Assert.Equal(":4", c.CallText("zrangestore", "dst", "z", "0", "-1", "rev"));
        Assert.Equal(":1", c.CallText("zrangestore", "dst", "z", "(1", "+inf", "byscore", "limit", "1", "1"));
        Assert.Equal("*[$c, $3]", c.CallText("zrange", "dst", "0", "-1", "withscores"));
        Assert.Equal(":3", c.CallText("zrangestore", "dst", "z", "[c", "-", "bylex", "rev"));
        Assert.Equal("*[$a, $b, $c]", c.CallText("zrange", "dst", "0", "-1"));
        Assert.Equal(":0", c.CallText("zrangestore", "dst", "nokey", "0", "-1"));
        Assert.Equal(":0", c.CallText("exists", "dst"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("zrangestore", "dst", "z", "a", "b"));
        Assert.Equal("-ERR wrong number of arguments for 'zrangestore' command", c.CallText("zrangestore", "dst", "z", "0"));
        Assert.Equal(":2", c.CallText("zrangestore", "z", "z", "1", "2"));
        Assert.Equal("*[$b, $c]", c.CallText("zrange", "z", "0", "-1"));
        Assert.Equal(":1", c.CallText("zremrangebyrank", "z", "0", "0"));
        Assert.Equal(":3", c.CallText("zadd", "z", "1", "a", "4", "d", "5", "e"));
        Assert.Equal(":1", c.CallText("zremrangebyrank", "z", "-1", "-1"));
        Assert.Equal(":0", c.CallText("zremrangebyrank", "z", "5", "10"));
        Assert.Equal(":0", c.CallText("zremrangebyrank", "z", "2", "1"));
        Assert.Equal(":1", c.CallText("zremrangebyscore", "z", "(2", "3"));
        Assert.Equal(":0", c.CallText("zremrangebyscore", "z", "10", "20"));
        Assert.Equal("*[$a, $1, $d, $4]", c.CallText("zrange", "z", "0", "-1", "withscores"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("zremrangebyrank", "z", "a", "1"));
        Assert.Equal("-ERR min or max is not a float", c.CallText("zremrangebyscore", "z", "a", "1"));
        Assert.Equal("-ERR min or max not valid string range item", c.CallText("zremrangebylex", "z", "a", "1"));
        Assert.Equal(":0", c.CallText("zremrangebyrank", "nokey", "0", "1"));
        Assert.Equal("-ERR min or max is not a float", c.CallText("zremrangebyscore", "nokey", "a", "1"));
        Assert.Equal(":2", c.CallText("zremrangebyscore", "z", "-inf", "+inf"));
        Assert.Equal(":0", c.CallText("exists", "z"));
    }
}
