using System.Text;
using Vigil.Protocol;

namespace Vigil.Protocol.Tests;

public class RedisNumbersTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("-1", -1L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void String2ll_Accepts(string text, long expected)
    {
        Assert.True(RedisNumbers.TryParseInt64(Encoding.ASCII.GetBytes(text), out long value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("-0")]
    [InlineData("01")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1.0")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("123456789012345678901")]
    [InlineData("1\0")]
    public void String2ll_Rejects(string text) => Assert.False(RedisNumbers.TryParseInt64(Encoding.Latin1.GetBytes(text), out _));

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData("-inf", double.NegativeInfinity)]
    [InlineData("+INF", double.PositiveInfinity)]
    [InlineData("1e3", 1000.0)]
    [InlineData(".5", 0.5)]
    public void String2d_Accepts(string text, double expected)
    {
        Assert.True(RedisNumbers.TryParseDouble(Encoding.ASCII.GetBytes(text), out double value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("nan")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1,5")]
    [InlineData("abc")]
    public void String2d_Rejects(string text) => Assert.False(RedisNumbers.TryParseDouble(Encoding.ASCII.GetBytes(text), out _));
}
