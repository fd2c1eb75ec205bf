using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.SortedSets;

/// <summary>ZPOPMIN/ZPOPMAX, ZMPOP, ZRANDMEMBER's fixed cases and ZSCAN; every reply as redis-server 7.0.15 gave it.</summary>
public class SortedSetPopAndScanTests
{
    [Fact]
    public void PopsRandomMembersAndScan()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(":5", c.CallText("zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"));
        Assert.Equal("*[$a, $1]", c.CallText("zpopmin", "z"));
        Assert.Equal("*[$e, $5]", c.CallText("zpopmax", "z"));
        Assert.Equal("*[$b, $2, $c, $3]", c.CallText("zpopmin", "z", "2"));
        Assert.Equal("*[]", c.CallText("zpopmin", "z", "0"));
        Assert.Equal("-ERR value is out of range, must be positive", c.CallText("zpopmin", "z", "-1"));
        Assert.Equal("-ERR value is out of range, must be positive", c.CallText("zpopmin", "z", "abc"));
        Assert.Equal("-ERR syntax error", c.CallText("zpopmin", "z", "1", "2"));
        Assert.Equal("*[]", c.CallText("zpopmin", "nokey"));
        Assert.Equal("*[]", c.CallText("zpopmin", "nokey", "2"));
        Assert.Equal("*[$d, $4]", c.CallText("zpopmax", "z", "10"));
        Assert.Equal(":0", c.CallText("exists", "z"));
        Assert.Equal(":5", c.CallText("zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"));
        Assert.Equal("*[$z, *[*[$a, $1]]]", c.CallText("zmpop", "1", "z", "min"));
        Assert.Equal("*[$z, *[*[$e, $5], *[$d, $4]]]", c.CallText("zmpop", "2", "nokey", "z", "max", "count", "2"));
        Assert.Equal("-ERR wrong number of arguments for 'zmpop' command", c.CallText("zmpop", "1", "z"));
        Assert.Equal("-ERR numkeys should be greater than 0", c.CallText("zmpop", "0", "z", "min"));
        Assert.Equal("-ERR numkeys should be greater than 0", c.CallText("zmpop", "x", "z", "min"));
        Assert.Equal("-ERR count should be greater than 0", c.CallText("zmpop", "1", "z", "min", "count", "0"));
        Assert.Equal("-ERR count should be greater than 0", c.CallText("zmpop", "1", "z", "min", "count", "-1"));
        Assert.Equal("-ERR count should be greater than 0", c.CallText("zmpop", "1", "z", "min", "count", "x"));
        Assert.Equal("-ERR syntax error", c.CallText("zmpop", "1", "z", "min", "count", "1", "count", "1"));
        Assert.Equal("-ERR syntax error", c.CallText("zmpop", "1", "z", "foo"));
        Assert.Equal("-ERR syntax error", c.CallText("zmpop", "2", "z", "min"));
        Assert.Equal("*nil", c.CallText("zmpop", "1", "nokey", "min"));
        Assert.Equal("*[$z, *[*[$c, $3], *[$b, $2]]]", c.CallText("zmpop", "1", "z", "MAX", "COUNT", "100"));
        Assert.Equal(":0", c.CallText("exists", "z"));
        Assert.Equal("$nil", c.CallText("zrandmember", "nokey"));
        Assert.Equal("*[]", c.CallText("zrandmember", "nokey", "5"));
        Assert.Equal("*[]", c.CallText("zrandmember", "nokey", "5", "withscores"));
        Assert.Equal(":3", c.CallText("zadd", "r", "1", "a", "2", "b", "3", "c"));
        Assert.Equal("*[]", c.CallText("zrandmember", "r", "0"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("zrandmember", "r", "x"));
        Assert.Equal("-ERR syntax error", c.CallText("zrandmember", "r", "1", "foo"));
        Assert.Equal("-ERR syntax error", c.CallText("zrandmember", "r", "1", "withscores", "x"));
        Assert.Equal("-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807", c.CallText("zrandmember", "r", "-9223372036854775808"));
        Assert.Equal("-ERR value is out of range", c.CallText("zrandmember", "r", "-9223372036854775807", "withscores"));
        Assert.Equal("-ERR value is out of range", c.CallText("zrandmember", "r", "9223372036854775807", "withscores"));
        Assert.Equal("-ERR value is out of range", c.CallText("zrandmember", "r", "4611686018427387904", "withscores"));
        Assert.Equal("*[$c, $3, $b, $2, $a, $1]", c.CallText("zrandmember", "r", "3", "withscores"));
        Assert.Equal("*[$c, $b, $a]", c.CallText("zrandmember", "r", "10"));
        Assert.Equal("*[$0, *[]]", c.CallText("zscan", "nokey", "0"));
        Assert.Equal("*[$0, *[]]", c.CallText("zscan", "nokey", "0", "count", "0"));
        Assert.Equal("-ERR invalid cursor", c.CallText("zscan", "r", "x"));
        Assert.Equal("*[$0, *[$a, $1, $b, $2, $c, $3]]", c.CallText("zscan", "r", "0"));
        Assert.Equal("*[$0, *[$b, $2]]", c.CallText("zscan", "r", "0", "match", "b*"));
        Assert.Equal("-ERR syntax error", c.CallText("zscan", "r", "0", "count", "0"));
        Assert.Equal("-ERR syntax error", c.CallText("zscan", "r", "0", "count", "1", "match"));
        Assert.Equal("-ERR syntax error", c.CallText("zscan", "r", "0", "type", "zset"));
        Assert.Equal("-ERR syntax error", c.CallText("zscan", "r", "0", "novalue"));
    }
}
