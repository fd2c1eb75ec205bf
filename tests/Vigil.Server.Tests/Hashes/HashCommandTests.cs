using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Hashes;

/// <summary>Hash commands through a raw socket; replies checked against redis-server 7.0.15.</summary>
public class HashCommandTests
{
    [Fact]
    public void SetGetAndDelete_ReplyAsRedisDoes()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(":2", c.CallText("HSET", "h", "a", "1", "b", "2"));
        Assert.Equal(":1", c.CallText("HSET", "h", "a", "9", "c", "3"));
        Assert.Equal("+OK", c.CallText("HMSET", "h", "d", "4"));
        Assert.Equal(":0", c.CallText("HSETNX", "h", "a", "x"));
        Assert.Equal(":1", c.CallText("HSETNX", "h", "e", "5"));
        Assert.Equal("$9", c.CallText("HGET", "h", "a"));
        Assert.Equal("$nil", c.CallText("HGET", "h", "zz"));
        Assert.Equal("$nil", c.CallText("HGET", "nokey", "a"));
        Assert.Equal("*[$9, $nil, $2]", c.CallText("HMGET", "h", "a", "zz", "b"));
        Assert.Equal("*[$nil, $nil]", c.CallText("HMGET", "nokey", "a", "b"));
        Assert.Equal(":5", c.CallText("HLEN", "h"));
        Assert.Equal(":0", c.CallText("HLEN", "nokey"));
        Assert.Equal(":1", c.CallText("HEXISTS", "h", "a"));
        Assert.Equal(":0", c.CallText("HEXISTS", "h", "zz"));
        Assert.Equal(":0", c.CallText("HEXISTS", "nokey", "a"));
        Assert.Equal(":1", c.CallText("HSTRLEN", "h", "a"));
        Assert.Equal(":0", c.CallText("HSTRLEN", "h", "zz"));
        Assert.Equal("*[$a, $9, $b, $2, $c, $3, $d, $4, $e, $5]", c.CallText("HGETALL", "h"));
        Assert.Equal("*[$a, $b, $c, $d, $e]", c.CallText("HKEYS", "h"));
        Assert.Equal("*[$9, $2, $3, $4, $5]", c.CallText("HVALS", "h"));
        Assert.Equal("*[]", c.CallText("HGETALL", "nokey"));
        Assert.Equal(":2", c.CallText("HDEL", "h", "zz", "a", "b", "a"));
        Assert.Equal(":0", c.CallText("HDEL", "nokey", "a"));
        Assert.Equal(":3", c.CallText("HDEL", "h", "c", "d", "e", "f"));
        Assert.Equal(":0", c.CallText("EXISTS", "h"));
        Assert.Equal("+none", c.CallText("TYPE", "h"));
    }

    [Fact]
    public void BinaryFieldsAndValues_RoundTrip()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        string field = "f\0\r\n\xff", value = "\0v\r\n" + new string('x', 300);
        Assert.Equal(":1", c.CallText("HSET", "h", field, value));
        Assert.Equal(":1", c.CallText("HSET", "h", "", ""));
        Assert.Equal(value, System.Text.Encoding.Latin1.GetString(c.Call("HGET", "h", field).Bytes!));
        Assert.Equal("$", c.CallText("HGET", "h", ""));
        Assert.Equal(":304", c.CallText("HSTRLEN", "h", field));
    }

    [Fact]
    public void ArityAndWrongType_AreErrors()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("-ERR wrong number of arguments for 'hset' command", c.CallText("HSET", "h", "a", "1", "b"));
        Assert.Equal("-ERR wrong number of arguments for 'hset' command", c.CallText("HSET", "h", "a"));
        Assert.Equal("-ERR wrong number of arguments for 'hmset' command", c.CallText("HMSET", "h", "a"));
        Assert.Equal("-ERR wrong number of arguments for 'hsetnx' command", c.CallText("HSETNX", "h", "a"));
        Assert.Equal("-ERR wrong number of arguments for 'hdel' command", c.CallText("HDEL", "h"));
        Assert.Equal("-ERR wrong number of arguments for 'hgetall' command", c.CallText("HGETALL", "h", "x"));
        Assert.Equal(":0", c.CallText("EXISTS", "h"));
        c.Call("SET", "s", "x");
        const string wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value";
        string[][] commands =
        [
            ["HSET", "s", "a", "1"], ["HMSET", "s", "a", "1"], ["HSETNX", "s", "a", "1"], ["HGET", "s", "a"],
            ["HMGET", "s", "a"], ["HDEL", "s", "a"], ["HEXISTS", "s", "a"], ["HLEN", "s"], ["HSTRLEN", "s", "a"],
            ["HKEYS", "s"], ["HVALS", "s"], ["HGETALL", "s"], ["HINCRBY", "s", "a", "1"], ["HINCRBYFLOAT", "s", "a", "1"],
            ["HRANDFIELD", "s"], ["HRANDFIELD", "s", "1"], ["HRANDFIELD", "s", "1", "WITHVALUES"], ["HSCAN", "s", "0"],
        ];
        foreach (var command in commands) Assert.Equal(wrongType, c.CallText(command));
        // Argument errors come before the type check where Redis parses first.
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("HINCRBY", "s", "a", "x"));
        Assert.Equal("-ERR value is not a valid float", c.CallText("HINCRBYFLOAT", "s", "a", "x"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("HRANDFIELD", "s", "x"));
        Assert.Equal("-ERR invalid cursor", c.CallText("HSCAN", "s", "x"));
        Assert.Equal("$x", c.CallText("GET", "s"));
    }

    [Fact]
    public void HIncrBy_CountsFromZero_AndRefusesNonIntegersAndOverflow()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(":5", c.CallText("HINCRBY", "h", "n", "5"));
        Assert.Equal(":-5", c.CallText("HINCRBY", "h", "n", "-10"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("HINCRBY", "h", "n", "x"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("HINCRBY", "h", "n", "1.5"));
        c.Call("HSET", "h", "s", "foo", "sp", " 1", "f", "1.5", "big", "9223372036854775807", "neg", "-9223372036854775808");
        Assert.Equal("-ERR hash value is not an integer", c.CallText("HINCRBY", "h", "s", "1"));
        Assert.Equal("-ERR hash value is not an integer", c.CallText("HINCRBY", "h", "sp", "1"));
        Assert.Equal("-ERR hash value is not an integer", c.CallText("HINCRBY", "h", "f", "1"));
        Assert.Equal("-ERR increment or decrement would overflow", c.CallText("HINCRBY", "h", "big", "1"));
        Assert.Equal("-ERR increment or decrement would overflow", c.CallText("HINCRBY", "h", "neg", "-1"));
        Assert.Equal(":-1", c.CallText("HINCRBY", "h", "big", "-9223372036854775808"));
        Assert.Equal(":0", c.CallText("EXISTS", "new"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("HINCRBY", "new", "n", "x"));
        Assert.Equal(":0", c.CallText("EXISTS", "new"));
    }

    [Theory]
    [InlineData(null, "1.0", "$1")]
    [InlineData("1", "5.0e3", "$5001")]
    [InlineData("1.5", "-1.5", "$0")]
    [InlineData("1e5", "1", "$100001")]
    [InlineData(null, "1e-400", "$0")]
    [InlineData(null, "-0", "$0")]
    [InlineData(null, "0x10", "$16")]
    [InlineData("0.1", "0.2", "$0.3")]
    [InlineData("9223372036854775807", "1", "$9223372036854775808")]
    [InlineData(null, "inf", "-ERR value is NaN or Infinity")]
    [InlineData(null, "-infinity", "-ERR value is NaN or Infinity")]
    [InlineData(null, "nan", "-ERR value is not a valid float")]
    [InlineData(null, "x", "-ERR value is not a valid float")]
    [InlineData("foo", "1", "-ERR hash value is not a float")]
    [InlineData(" 1", "1", "-ERR hash value is not a float")]
    public void HIncrByFloat_UsesLongDoubleArithmetic(string? start, string increment, string expected)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        if (start != null) c.Call("HSET", "h", "f", start);
        Assert.Equal(expected, c.CallText("HINCRBYFLOAT", "h", "f", increment));
    }

    [Fact]
    public void HIncrByFloat_RefusesAnInfiniteResult()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        // The sum of two doubles overflows a double but not a long double.
        c.Call("HINCRBYFLOAT", "h", "f", "1e308");
        Assert.StartsWith("$1999999999999999999933717593116912913", c.CallText("HINCRBYFLOAT", "h", "f", "1e308"));
        c.Call("HSET", "h", "big", "1e4932");
        Assert.Equal("-ERR increment would produce NaN or Infinity", c.CallText("HINCRBYFLOAT", "h", "big", "1e4932"));
    }

    [Fact]
    public void Resp3_HGetAllIsAMap_AndNullsAreResp3Nulls()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("HELLO", "3");
        c.Call("HSET", "h", "a", "1", "b", "2");
        Assert.Equal("%[$a, $1, $b, $2]", c.CallText("HGETALL", "h"));
        Assert.Equal("%[]", c.CallText("HGETALL", "nokey"));
        Assert.Equal("*[$a, $b]", c.CallText("HKEYS", "h"));
        Assert.Equal("*[$1, _nil]", c.CallText("HMGET", "h", "a", "zz"));
        Assert.Equal("_nil", c.CallText("HGET", "h", "zz"));
        Assert.Equal("_nil", c.CallText("HRANDFIELD", "nokey"));
        Assert.Equal("$2.5", c.CallText("HINCRBYFLOAT", "h", "a", "1.5"));
    }
}
