using System.Text;
using Vigil.Server.Storage;

namespace Vigil.Server.Tests.Strings;

/// <summary>The x87 long double emulation behind INCRBYFLOAT: glibc strtold parsing and "%.17Lf" printing.</summary>
public class ExtendedFloatTests
{
    private static string Sum(string a, string b)
    {
        Assert.True(ExtendedFloat.TryParse(Encoding.ASCII.GetBytes(a), out var x));
        Assert.True(ExtendedFloat.TryParse(Encoding.ASCII.GetBytes(b), out var y));
        return ExtendedFloat.Add(x, y).ToString();
    }

    [Theory]
    [InlineData("0.1", "0.2", "0.3")]
    [InlineData("1", "-1", "0")]
    [InlineData("-0", "-0", "0")]
    [InlineData("0.5", "0.25", "0.75")]
    [InlineData("18446744073709551615", "1", "18446744073709551616")]
    [InlineData("18446744073709551616", "1", "18446744073709551616")]
    [InlineData("9007199254740993", "0", "9007199254740993")]
    [InlineData("1e-4950", "0", "0")]
    public void Add_RoundsToA64BitSignificand(string a, string b, string expected) => Assert.Equal(expected, Sum(a, b));

    [Theory]
    [InlineData("")]
    [InlineData(" 1")]
    [InlineData("\t1")]
    [InlineData("1 ")]
    [InlineData("+")]
    [InlineData("-")]
    [InlineData("e5")]
    [InlineData("1e+")]
    [InlineData("1.2.3")]
    [InlineData("--1")]
    [InlineData("0x")]
    [InlineData("0x1p")]
    [InlineData("nan")]
    [InlineData("-nan")]
    [InlineData("infx")]
    [InlineData("1e5000")]
    [InlineData("-1e5000")]
    [InlineData("1e-5000")]
    [InlineData("0x1p20000")]
    public void TryParse_RejectsWhatString2ldRejects(string text) =>
        Assert.False(ExtendedFloat.TryParse(Encoding.ASCII.GetBytes(text), out _));

    [Fact]
    public void TryParse_RejectsInputsOf5120BytesOrMore()
    {
        Assert.True(ExtendedFloat.TryParse(Encoding.ASCII.GetBytes(new string('0', 5118) + "7"), out var v));
        Assert.Equal("7", v.ToString());
        Assert.False(ExtendedFloat.TryParse(Encoding.ASCII.GetBytes(new string('0', 5119) + "7"), out _));
    }

    [Theory]
    [InlineData("INF", true)]
    [InlineData("-inf", true)]
    [InlineData("+Infinity", true)]
    [InlineData("0e999999999999", false)]
    [InlineData("0x1P-2", false)]
    [InlineData("00012.5000", false)]
    public void TryParse_AcceptsStrtoldForms(string text, bool infinite)
    {
        Assert.True(ExtendedFloat.TryParse(Encoding.ASCII.GetBytes(text), out var v));
        Assert.Equal(infinite, v.IsInfinity);
    }

    [Fact]
    public void TryParse_RejectsNulBytes_AsString2ldDoes()
    {
        // strtold stops at the NUL, and string2ld then finds input left over (checked against redis-server 7.0.15).
        Assert.False(ExtendedFloat.TryParse("12\0junk"u8, out _));
        Assert.False(ExtendedFloat.TryParse("1\0"u8, out _));
        Assert.False(ExtendedFloat.TryParse("\0"u8, out _));
    }
}
