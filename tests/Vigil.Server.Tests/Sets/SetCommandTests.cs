using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Sets;

/// <summary>Set commands through a raw socket; replies checked against redis-server 7.0.15.</summary>
public class SetCommandTests
{
    [Fact]
    public void AddRemoveAndMembership_ReplyAsRedisDoes()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(":3", c.CallText("SADD", "s", "3", "1", "2"));
        Assert.Equal(":1", c.CallText("SADD", "s", "2", "4", "4"));
        Assert.Equal("*[$1, $2, $3, $4]", c.CallText("SMEMBERS", "s"));
        Assert.Equal("*[]", c.CallText("SMEMBERS", "nokey"));
        Assert.Equal(":4", c.CallText("SCARD", "s"));
        Assert.Equal(":0", c.CallText("SCARD", "nokey"));
        Assert.Equal(":1", c.CallText("SISMEMBER", "s", "1"));
        Assert.Equal(":0", c.CallText("SISMEMBER", "s", "x"));
        Assert.Equal(":0", c.CallText("SISMEMBER", "s", "01"));
        Assert.Equal(":0", c.CallText("SISMEMBER", "nokey", "1"));
        Assert.Equal("*[:1, :0, :0, :1]", c.CallText("SMISMEMBER", "s", "1", "9", "x", "3"));
        Assert.Equal("*[:0, :0]", c.CallText("SMISMEMBER", "nokey", "1", "2"));
        Assert.Equal(":0", c.CallText("SREM", "s", "9", "x"));
        Assert.Equal(":1", c.CallText("SREM", "s", "1", "9"));
        Assert.Equal(":0", c.CallText("SREM", "nokey", "1"));
        Assert.Equal(":3", c.CallText("SREM", "s", "2", "3", "4", "5"));
        Assert.Equal(":0", c.CallText("EXISTS", "s"));
        Assert.Equal("-ERR wrong number of arguments for 'sadd' command", c.CallText("SADD", "s"));
        Assert.Equal("-ERR wrong number of arguments for 'smismember' command", c.CallText("SMISMEMBER", "s"));
    }

    [Fact]
    public void MixedAndBinaryMembers_WorkInEitherEncoding()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        string binary = "m\0\r\n\xff";
        c.Call("SADD", "s", "10", "-9223372036854775808", "9223372036854775807");
        Assert.Equal("*[$-9223372036854775808, $10, $9223372036854775807]", c.CallText("SMEMBERS", "s"));
        Assert.Equal(":1", c.CallText("SADD", "s", binary));
        Assert.Equal(":1", c.CallText("SISMEMBER", "s", binary));
        Assert.Equal(":1", c.CallText("SISMEMBER", "s", "10"));
        Assert.Equal(":1", c.CallText("SADD", "s", ""));
        Assert.Equal(":1", c.CallText("SISMEMBER", "s", ""));
        Assert.Equal(":5", c.CallText("SCARD", "s"));
        Assert.Equal(":1", c.CallText("SREM", "s", "10"));
        Assert.Equal(":0", c.CallText("SISMEMBER", "s", "10"));
    }

    [Fact]
    public void WrongTypeAndArgumentErrors_AreRedisErrors()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SADD", "s", "1", "2", "3");
        c.Call("SET", "str", "x");
        const string wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value";
        string[][] commands =
        [
            ["SADD", "str", "1"], ["SREM", "str", "1"], ["SISMEMBER", "str", "1"], ["SMISMEMBER", "str", "1"],
            ["SCARD", "str"], ["SMEMBERS", "str"], ["SRANDMEMBER", "str"], ["SRANDMEMBER", "str", "2"], ["SPOP", "str"],
            ["SPOP", "str", "2"], ["SMOVE", "str", "s", "1"], ["SMOVE", "s", "str", "1"], ["SINTER", "nokey", "str"],
            ["SINTER", "str", "nokey"], ["SINTERCARD", "2", "nokey", "str"], ["SINTERSTORE", "d", "nokey", "str"],
            ["SUNION", "nokey", "str"], ["SDIFF", "nokey", "str"], ["SDIFF", "str", "nokey"], ["SUNIONSTORE", "d", "s", "str"],
            ["SDIFFSTORE", "d", "s", "str"], ["SSCAN", "str", "0"],
        ];
        foreach (var command in commands) Assert.Equal(wrongType, c.CallText(command));
        Assert.Equal(":0", c.CallText("SMOVE", "nokey", "str", "1"));
        Assert.Equal("-ERR value is out of range, must be positive", c.CallText("SPOP", "s", "-1"));
        Assert.Equal("-ERR value is out of range, must be positive", c.CallText("SPOP", "s", "x"));
        Assert.Equal("-ERR syntax error", c.CallText("SPOP", "s", "1", "2"));
        Assert.Equal("-ERR syntax error", c.CallText("SRANDMEMBER", "s", "1", "2"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("SRANDMEMBER", "s", "x"));
        Assert.Equal("-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
            c.CallText("SRANDMEMBER", "s", "-9223372036854775808"));
        Assert.Equal("-ERR invalid cursor", c.CallText("SSCAN", "str", "x"));
        Assert.Equal(":3", c.CallText("SCARD", "s"));
        Assert.Equal("$x", c.CallText("GET", "str"));
    }

    [Fact]
    public void Resp3_MembersAreSets_RandomMembersArrays()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("HELLO", "3");
        c.Call("SADD", "s", "3", "1", "2");
        Assert.Equal("~[$1, $2, $3]", c.CallText("SMEMBERS", "s"));
        Assert.Equal("~[]", c.CallText("SMEMBERS", "nokey"));
        Assert.Equal("~[$1, $2, $3]", c.CallText("SUNION", "s"));
        Assert.Equal("~[$1, $2, $3]", c.CallText("SDIFF", "s"));
        Assert.Equal("~[$1, $2, $3]", c.CallText("SINTER", "s", "s"));
        Assert.Equal("~[]", c.CallText("SINTER", "s", "nokey"));
        Assert.Equal("*[$1, $2, $3]", c.CallText("SRANDMEMBER", "s", "5"));
        Assert.Equal("*[]", c.CallText("SRANDMEMBER", "s", "0"));
        Assert.Equal("*[]", c.CallText("SRANDMEMBER", "nokey", "3"));
        Assert.Equal("_nil", c.CallText("SRANDMEMBER", "nokey"));
        Assert.Equal("~[]", c.CallText("SPOP", "s", "0"));
        Assert.Equal("~[]", c.CallText("SPOP", "nokey", "2"));
        Assert.Equal("_nil", c.CallText("SPOP", "nokey"));
        Assert.Equal("*[:1, :0]", c.CallText("SMISMEMBER", "s", "1", "9"));
        Assert.Equal(":3", c.CallText("SINTERCARD", "1", "s"));
        Assert.Equal("~[$1, $2, $3]", c.CallText("SPOP", "s", "3"));
    }

    [Fact]
    public void SMove_MovesOneMember_AndCreatesOrDeletesSets()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SADD", "a", "1", "2", "3");
        c.Call("SADD", "z", "1");
        Assert.Equal(":1", c.CallText("SMOVE", "z", "y", "1"));
        Assert.Equal(":0", c.CallText("EXISTS", "z"));
        Assert.Equal("*[$1]", c.CallText("SMEMBERS", "y"));
        Assert.Equal(":0", c.CallText("SMOVE", "a", "y", "9"));
        Assert.Equal(":1", c.CallText("SMOVE", "a", "y", "1"));
        Assert.Equal("*[$1]", c.CallText("SMEMBERS", "y"));
        Assert.Equal("*[$2, $3]", c.CallText("SMEMBERS", "a"));
        Assert.Equal(":1", c.CallText("SMOVE", "a", "a", "2"));
        Assert.Equal(":0", c.CallText("SMOVE", "a", "a", "9"));
        Assert.Equal(":0", c.CallText("SMOVE", "nokey", "a", "2"));
        Assert.Equal(":1", c.CallText("SMOVE", "a", "y", "2"));
        Assert.Equal("*[$1, $2]", c.CallText("SMEMBERS", "y"));
        c.Call("SADD", "t", "x");
        Assert.Equal(":1", c.CallText("SMOVE", "t", "y", "x"));
        Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "y"));
    }
}
