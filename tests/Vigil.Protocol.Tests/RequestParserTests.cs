using System.Text;
using Vigil.Protocol;

namespace Vigil.Protocol.Tests;

/// <summary>RequestParser against the behaviour of redis-server 7.0.15's processMultibulkBuffer and processInlineBuffer.</summary>
public class RequestParserTests
{
    private static readonly ParseLimits Limits = ParseLimits.Default;

    private sealed record Result(ParseStatus Status, int Consumed, long Needed, string? Error, List<string[]> Commands);

    /// <summary>Parses commands from the start of <paramref name="text"/> (Latin-1) until one is incomplete or fails.</summary>
    private static Result Parse(string text, ParseLimits? limits = null) => Parse(Encoding.Latin1.GetBytes(text), limits);

    private static Result Parse(byte[] buffer, ParseLimits? limits = null)
    {
        var parsed = new ParsedCommands();
        int start = 0;
        ParseStatus status;
        long needed;
        string? error;
        while (true)
        {
            status = RequestParser.TryParse(buffer.AsSpan(start), start, parsed, limits ?? Limits, out int consumed, out needed, out error);
            if (status != ParseStatus.Command) break;
            start += consumed;
            if (start == buffer.Length) break;
        }
        var commands = new List<string[]>();
        for (int c = 0; c < parsed.Count; c++)
        {
            var args = new string[parsed.ArgCount(c)];
            for (int a = 0; a < args.Length; a++)
            {
                var range = parsed.Args[parsed.ArgStart(c) + a];
                args[a] = Encoding.Latin1.GetString(buffer, range.Start, range.Length);
            }
            commands.Add(args);
        }
        return new Result(status, start, needed, error, commands);
    }

    private static string Multibulk(params string[] args)
    {
        var text = new StringBuilder($"*{args.Length}\r\n");
        foreach (var a in args) text.Append($"${Encoding.Latin1.GetByteCount(a)}\r\n{a}\r\n");
        return text.ToString();
    }

    [Fact]
    public void Multibulk_ParsesArgumentsAsRangesOfTheBuffer()
    {
        var r = Parse(Multibulk("SET", "key", "a\r\nb\0c") + Multibulk("GET", "") + Multibulk("PING"));
        Assert.Equal(ParseStatus.Command, r.Status);
        Assert.Equal([["SET", "key", "a\r\nb\0c"], ["GET", ""], ["PING"]], r.Commands);
    }

    [Fact]
    public void Multibulk_EveryPrefixIsIncomplete_AndTheWholeIsOneCommand()
    {
        string whole = Multibulk("SET", "k", new string('v', 100));
        for (int length = 1; length < whole.Length; length++)
        {
            var r = Parse(whole[..length]);
            Assert.Equal(ParseStatus.Incomplete, r.Status);
            Assert.Empty(r.Commands);
        }
        var full = Parse(whole);
        Assert.Equal(whole.Length, full.Consumed);
        Assert.Single(full.Commands);
    }

    [Fact]
    public void Multibulk_IncompleteBulk_ReportsHowManyBytesTheCommandNeeds()
    {
        var r = Parse("*2\r\n$3\r\nGET\r\n$100\r\nabc");
        Assert.Equal(ParseStatus.Incomplete, r.Status);
        Assert.Equal("*2\r\n$3\r\nGET\r\n$100\r\n".Length + 100 + 2, r.Needed);
    }

    [Theory]
    [InlineData("*0\r\n")]
    [InlineData("*-1\r\n")]
    [InlineData("*-100\r\n")]
    public void Multibulk_CountOfZeroOrLess_IsConsumedWithoutACommand(string input)
    {
        var r = Parse(input + Multibulk("PING"));
        Assert.Equal(ParseStatus.Command, r.Status);
        Assert.Equal([["PING"]], r.Commands);
    }

    [Fact]
    public void Multibulk_DataIsTakenByLength_TheTwoBytesAfterItAreSkippedUnchecked()
    {
        // Redis does not check the CRLF after a bulk: "PINGX" with length 3 is "PIN", and "GX" is skipped.
        var r = Parse("*1\r\n$3\r\nPINGX\r\n");
        Assert.Equal("PIN", r.Commands[0][0]);
    }

    [Theory]
    [InlineData("*abc\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*1x\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*+1\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("* 1\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*01\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*2147483648\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*99999999999999999999\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*1\r\n$abc\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$-1\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$536870913\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n+PING\r\n", "Protocol error: expected '$', got '+'")]
    [InlineData("*2\r\n$3\r\nGET\r\n:1\r\n", "Protocol error: expected '$', got ':'")]
    [InlineData("*1\r\n\r\n", "Protocol error: expected '$', got '\r'")]
    public void Multibulk_MalformedHeaders_GiveRedisErrors(string input, string error)
    {
        var r = Parse(input);
        Assert.Equal(ParseStatus.Error, r.Status);
        Assert.Equal(error, r.Error);
    }

    [Fact]
    public void Multibulk_ErrorAfterCompleteCommands_KeepsThem()
    {
        var r = Parse(Multibulk("SET", "k", "v") + "*x\r\n");
        Assert.Equal(ParseStatus.Error, r.Status);
        Assert.Equal([["SET", "k", "v"]], r.Commands);
    }

    [Fact]
    public void Multibulk_BulkLengthLimit_IsProtoMaxBulkLen_ExceptFromTheMaster()
    {
        var small = new ParseLimits(MaxBulkLength: 10, AuthRequired: false, FromMaster: false);
        Assert.Equal("Protocol error: invalid bulk length", Parse("*1\r\n$11\r\n", small).Error);
        Assert.Equal(ParseStatus.Incomplete, Parse("*1\r\n$10\r\n", small).Status);
        var master = small with { FromMaster = true };
        Assert.Equal(ParseStatus.Incomplete, Parse("*1\r\n$11\r\n", master).Status);
    }

    [Fact]
    public void Multibulk_UnauthenticatedClients_AreLimitedInCountAndLength()
    {
        var unauthenticated = ParseLimits.Default with { AuthRequired = true };
        Assert.Equal("Protocol error: unauthenticated multibulk length", Parse("*11\r\n", unauthenticated).Error);
        Assert.Equal(ParseStatus.Incomplete, Parse("*10\r\n", unauthenticated).Status);
        Assert.Equal("Protocol error: unauthenticated bulk length", Parse("*1\r\n$16385\r\n", unauthenticated).Error);
        Assert.Equal(ParseStatus.Incomplete, Parse("*1\r\n$16384\r\n", unauthenticated).Status);
    }

    [Fact]
    public void Multibulk_LongHeaderWithoutCR_IsTooBig()
    {
        string digits = new('1', ParseLimits.InlineMaxSize + 1);
        Assert.Equal("Protocol error: too big mbulk count string", Parse("*" + digits).Error);
        Assert.Equal(ParseStatus.Incomplete, Parse("*" + digits[..1000]).Status);
        Assert.Equal("Protocol error: too big bulk count string", Parse("*1\r\n$" + digits).Error);
    }

    [Theory]
    // Redis finds line ends with strchr, which stops at a NUL: a NUL before the CR means no line yet.
    [InlineData("*1\0\r\n$4\r\nPING\r\n")]
    [InlineData("*1\r\n$4\0\r\nPING\r\n")]
    [InlineData("PING\0\r\n")]
    [InlineData("\0\r\n")]
    public void NulBeforeTheLineEnd_LeavesTheRequestIncomplete(string input)
    {
        var r = Parse(input);
        Assert.Equal(ParseStatus.Incomplete, r.Status);
        Assert.Empty(r.Commands);
    }

    [Fact]
    public void NulBeforeTheLineEnd_BecomesTooBigOnceTheLimitIsPassed()
    {
        Assert.Equal("Protocol error: too big inline request", Parse("PING\0\r\n" + new string('a', ParseLimits.InlineMaxSize)).Error);
    }

    [Fact]
    public void NulInsideBulkData_IsJustAByte()
    {
        Assert.Equal("PI\0G", Parse("*1\r\n$4\r\nPI\0G\r\n").Commands[0][0]);
    }

    [Theory]
    [InlineData("PING\r\n", new[] { "PING" })]
    [InlineData("PING\n", new[] { "PING" })]
    [InlineData("  SET   k\tv  \r\n", new[] { "SET", "k", "v" })]
    [InlineData("PING\rPING\r\n", new[] { "PING", "PING" })]
    [InlineData("ECHO \"a b\"\r\n", new[] { "ECHO", "a b" })]
    [InlineData("ECHO \"\\x41\\x4a\\n\\r\\t\\b\\a\\q\\\\\\\"\"\r\n", new[] { "ECHO", "AJ\n\r\t\b\aq\\\"" })]
    [InlineData("ECHO \"\\x4g\"\r\n", new[] { "ECHO", "x4g" })]
    [InlineData("ECHO 'it\\'s' 'a\\nb'\r\n", new[] { "ECHO", "it's", "a\\nb" })]
    [InlineData("ECHO \"\" ''\r\n", new[] { "ECHO", "", "" })]
    [InlineData("ECHO a\"b c\"\r\n", new[] { "ECHO", "ab c" })]
    [InlineData("$4\r\n", new[] { "$4" })]
    public void Inline_SplitsLikeSdssplitargs(string input, string[] expected)
    {
        var r = Parse(input);
        Assert.Equal(ParseStatus.Command, r.Status);
        Assert.Equal(input.Length, r.Consumed);
        Assert.Equal([expected], r.Commands);
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\n")]
    [InlineData("   \t \r\n")]
    public void Inline_EmptyLine_IsConsumedWithoutACommand(string input)
    {
        var r = Parse(input + "PING\r\n");
        Assert.Equal([["PING"]], r.Commands);
    }

    [Theory]
    [InlineData("SET k \"abc\r\n")]
    [InlineData("SET k 'abc\r\n")]
    [InlineData("SET k \"a\"b\r\n")]
    [InlineData("SET k 'a'b\r\n")]
    [InlineData("ECHO \"\\\"\r\n")]
    [InlineData("ECHO 'a\\'\r\n")]
    public void Inline_UnbalancedQuotes_AreAnError(string input)
    {
        var r = Parse(input);
        Assert.Equal(ParseStatus.Error, r.Status);
        Assert.Equal("Protocol error: unbalanced quotes in request", r.Error);
    }

    [Fact]
    public void Inline_FailedParse_LeavesTheBufferUnchanged()
    {
        // The connection parses the line again after running the commands before it.
        var buffer = Encoding.Latin1.GetBytes("PING\r\nECHO \"a\\x41\\\\\" \"unterminated\r\n");
        var before = (byte[])buffer.Clone();
        var r = Parse(buffer);
        Assert.Equal(ParseStatus.Error, r.Status);
        Assert.Equal(before, buffer);
    }

    [Fact]
    public void Inline_LongLineWithoutNewline_IsTooBig()
    {
        Assert.Equal("Protocol error: too big inline request", Parse(new string('a', ParseLimits.InlineMaxSize + 1)).Error);
        Assert.Equal(ParseStatus.Incomplete, Parse(new string('a', ParseLimits.InlineMaxSize)).Status);
    }

    [Fact]
    public void SplitLine_ReadsConfigLines_AndRejectsUnbalancedQuotes()
    {
        Assert.Equal(["save", "900 1", "x"], RequestParser.SplitLine("save \"900 1\" 'x'"));
        Assert.Null(RequestParser.SplitLine("requirepass \"open"));
        Assert.Empty(RequestParser.SplitLine("   ")!);
    }

    [Fact]
    public void ParsedCommands_AreReusedAfterClear()
    {
        var parsed = new ParsedCommands();
        var buffer = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(Multibulk("SET", "k", "v"), 100)));
        int start = 0;
        while (start < buffer.Length)
        {
            Assert.Equal(ParseStatus.Command, RequestParser.TryParse(buffer.AsSpan(start), start, parsed, Limits, out int consumed, out _, out _));
            start += consumed;
        }
        Assert.Equal(100, parsed.Count);
        Assert.Equal(3, parsed.ArgCount(99));
        parsed.Clear();
        Assert.Equal(0, parsed.Count);
    }
}
