using System.Text;

namespace Vigil.Protocol.Tests;

/// <summary>Doubles as Redis prints them ("%.17g", checked against C's printf) and reads them (glibc's strtod).</summary>
public class DoubleTextTests
{
    [Theory]
    [InlineData(0.1, "0.10000000000000001")]
    [InlineData(1e+16, "10000000000000000")]
    [InlineData(1e+17, "1e+17")]
    [InlineData(1.2345678901234568e+17, "1.2345678901234568e+17")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1e-05, "1.0000000000000001e-05")]
    [InlineData(0.00012345, "0.00012344999999999999")]
    [InlineData(1e+300, "1.0000000000000001e+300")]
    [InlineData(5e-324, "4.9406564584124654e-324")]
    [InlineData(1.7976931348623157e+308, "1.7976931348623157e+308")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1e+21, "1e+21")]
    [InlineData(3.0, "3")]
    [InlineData(1000000000000000.2, "1000000000000000.2")]
    [InlineData(-0.0, "-0")]
    [InlineData(2.2250738585072014e-308, "2.2250738585072014e-308")]
    [InlineData(9007199254740992.0, "9007199254740992")]
    [InlineData(1e-310, "9.9999999999999694e-311")]
    [InlineData(-1e-07, "-9.9999999999999995e-08")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public void FormatDouble_IsPercent17g(double value, string expected)
    {
        Assert.Equal(expected, RedisNumbers.FormatDouble(value));
        Span<byte> buffer = stackalloc byte[RedisNumbers.MaxDoubleChars];
        Assert.Equal(expected, Encoding.ASCII.GetString(buffer[..RedisNumbers.FormatDouble(value, buffer)]));
    }

    [Theory]
    [InlineData("1.5", 1.5, 3, false)]
    [InlineData("  -2e3xyz", -2000.0, 6, false)]
    [InlineData("0x1p3", 8.0, 5, false)]
    [InlineData("0X.8", 0.5, 4, false)]
    [InlineData("0x", 0.0, 1, false)]
    [InlineData("0xg", 0.0, 1, false)]
    [InlineData("1e", 1.0, 1, false)]
    [InlineData("1e+", 1.0, 1, false)]
    [InlineData(".5", 0.5, 2, false)]
    [InlineData("5.", 5.0, 2, false)]
    [InlineData(".", 0.0, 0, false)]
    [InlineData("-", 0.0, 0, false)]
    [InlineData(" ", 0.0, 0, false)]
    [InlineData("infinity", double.PositiveInfinity, 8, false)]
    [InlineData("-INFinite", double.NegativeInfinity, 4, false)]
    [InlineData("1e400", double.PositiveInfinity, 5, true)]
    [InlineData("1e-400", 0.0, 6, true)]
    [InlineData("0e-400", 0.0, 6, false)]
    [InlineData("1e-310", 1e-310, 6, false)]
    [InlineData("0x1.8p1", 3.0, 7, false)]
    [InlineData("0.1000000000000000055511151231257827", 0.1, 36, false)]
    public void Parse_ReadsThePrefixStrtodReads(string text, double expected, int consumed, bool rangeError)
    {
        double value = Strtod.Parse(Encoding.ASCII.GetBytes(text), out int used, out bool overflow);
        Assert.Equal(expected, value);
        Assert.Equal(consumed, used);
        Assert.Equal(rangeError, overflow);
    }

    [Fact]
    public void Parse_NaNWithItsOptionalSequence()
    {
        Assert.True(double.IsNaN(Strtod.Parse("nan(abc_1)x"u8, out int used, out _)));
        Assert.Equal(10, used);
        Assert.True(double.IsNaN(Strtod.Parse("NaN(unclosed"u8, out used, out _)));
        Assert.Equal(3, used);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("-1.5e10", true)]
    [InlineData("0x10", true)]
    [InlineData("inf", true)]
    [InlineData("1e-310", true)]
    [InlineData("", false)]
    [InlineData(" 1", false)]
    [InlineData("1 ", false)]
    [InlineData("nan", false)]
    [InlineData("1e400", false)]
    [InlineData("1e-400", false)]
    [InlineData("abc", false)]
    public void String2d_WantsOneWholeFiniteOrInfiniteNumber(string text, bool valid)
    {
        Assert.Equal(valid, Strtod.TryParseString2d(Encoding.ASCII.GetBytes(text), out _));
    }
}
