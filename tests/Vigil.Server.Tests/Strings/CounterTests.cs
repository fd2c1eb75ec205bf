using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Strings;

/// <summary>INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT (replies checked against redis-server 7.0.15).</summary>
public class CounterTests
{
    [Fact]
    public void IncrAndDecr_CountFromZero_AndKeepTheTtl()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(":1", c.CallText("INCR", "i"));
        c.Call("EXPIRE", "i", "100");
        Assert.Equal(":2", c.CallText("INCR", "i"));
        Assert.Equal(":1", c.CallText("DECR", "i"));
        Assert.Equal(":11", c.CallText("INCRBY", "i", "10"));
        Assert.Equal(":-89", c.CallText("DECRBY", "i", "100"));
        Assert.Equal("$-89", c.CallText("GET", "i"));
        Assert.InRange(c.Call("TTL", "i").Integer, 99, 100);
    }

    [Theory]
    [InlineData(" 1")]
    [InlineData("01")]
    [InlineData("-0")]
    [InlineData("1.0")]
    [InlineData("123456789012345678901")]
    [InlineData("")]
    [InlineData("abc")]
    public void Incr_OnNonCanonicalIntegers_IsAnError(string value)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "i", value);
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("INCR", "i"));
    }

    [Fact]
    public void Counters_RefuseToOverflow()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "i", "9223372036854775807");
        Assert.Equal("-ERR increment or decrement would overflow", c.CallText("INCR", "i"));
        c.Call("SET", "i", "-9223372036854775808");
        Assert.Equal("-ERR increment or decrement would overflow", c.CallText("DECR", "i"));
        Assert.Equal("-ERR increment or decrement would overflow", c.CallText("INCRBY", "i", "-1"));
        Assert.Equal("-ERR decrement would overflow", c.CallText("DECRBY", "i", "-9223372036854775808"));
        Assert.Equal("$-9223372036854775808", c.CallText("GET", "i"));
    }

    [Fact]
    public void IncrBy_WithABadIncrement_IsAnError()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("INCRBY", "i", "abc"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("DECRBY", "i", "1.5"));
        Assert.Equal("-ERR wrong number of arguments for 'incrby' command", c.CallText("INCRBY", "i"));
        Assert.Equal("-ERR wrong number of arguments for 'incr' command", c.CallText("INCR", "i", "1"));
        Assert.Equal(":0", c.CallText("EXISTS", "i"));
    }

    [Theory]
    [InlineData("10.5", "0.1", "$10.6")]
    [InlineData("0.1", "0.2", "$0.3")]
    [InlineData("10.6", "-5.0e3", "$-4989.39999999999999991")]
    [InlineData(null, "0x10", "$16")]
    [InlineData(null, "1.23456789012345678901234", "$1.23456789012345679")]
    [InlineData(null, "3.0", "$3")]
    [InlineData(null, "1e-20", "$0")]
    [InlineData(null, "-1e-20", "$0")]
    [InlineData(null, "5.", "$5")]
    [InlineData("5", ".5", "$5.5")]
    [InlineData(null, "+1.5", "$1.5")]
    [InlineData(null, "1E+2", "$100")]
    [InlineData(null, "0x1p-2", "$0.25")]
    [InlineData(null, "1e-4940", "$0")]
    [InlineData("1", "1e18", "$1000000000000000001")]
    [InlineData(null, "0.000000000000000005", "$0")]
    [InlineData(null, "0.000000000000000015", "$0.00000000000000002")]
    [InlineData(null, "0.000000000000000025", "$0.00000000000000002")]
    [InlineData(null, "1.5e20", "$150000000000000000000")]
    [InlineData("-2.5", "-0.5", "$-3")]
    [InlineData("3.141592653589793238462643383279", "2.718281828459045235360287471352", "$5.85987448204883847")]
    public void IncrByFloat_PrintsLikeRedisLongDouble(string? initial, string increment, string expected)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        if (initial != null) c.Call("SET", "f", initial);
        Assert.Equal(expected, c.CallText("INCRBYFLOAT", "f", increment));
        Assert.Equal(expected, c.CallText("GET", "f"));
    }

    [Fact]
    public void IncrByFloat_OfHugeValues_PrintsEveryDigit()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        var reply = c.Call("INCRBYFLOAT", "f", "1e300").Text!;
        Assert.Equal(301, reply.Length);
        Assert.StartsWith("1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497", reply);
        Assert.Equal(4901, c.Call("INCRBYFLOAT", "g", "1e4900").Text!.Length);
    }

    [Theory]
    [InlineData(null, " 1", "-ERR value is not a valid float")]
    [InlineData(null, "1 ", "-ERR value is not a valid float")]
    [InlineData(null, "nan", "-ERR value is not a valid float")]
    [InlineData(null, "abc", "-ERR value is not a valid float")]
    [InlineData(null, ".", "-ERR value is not a valid float")]
    [InlineData(null, "1e", "-ERR value is not a valid float")]
    [InlineData(null, "0x", "-ERR value is not a valid float")]
    [InlineData(null, "0xp1", "-ERR value is not a valid float")]
    [InlineData(null, "1e5000", "-ERR value is not a valid float")]
    [InlineData(null, "1e-5000", "-ERR value is not a valid float")]
    [InlineData("abc", "1", "-ERR value is not a valid float")]
    [InlineData(null, "inf", "-ERR increment would produce NaN or Infinity")]
    [InlineData(null, "-Infinity", "-ERR increment would produce NaN or Infinity")]
    [InlineData("1.18e4932", "1.18e4932", "-ERR increment would produce NaN or Infinity")]
    public void IncrByFloat_Errors_MatchRedis(string? initial, string increment, string expected)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        if (initial != null) c.Call("SET", "f", initial);
        Assert.Equal(expected, c.CallText("INCRBYFLOAT", "f", increment));
        Assert.Equal(initial == null ? "$nil" : "$" + initial, c.CallText("GET", "f"));
    }

    [Fact]
    public void IncrByFloat_KeepsTheTtl()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SET", "f", "1", "EX", "100");
        Assert.Equal("$2.5", c.CallText("INCRBYFLOAT", "f", "1.5"));
        Assert.InRange(c.Call("TTL", "f").Integer, 99, 100);
    }
}
