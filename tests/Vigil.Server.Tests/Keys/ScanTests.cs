using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Keys;

/// <summary>SCAN: options, cursor parsing (strtoul, as Redis) and the full-iteration guarantees.</summary>
public class ScanTests
{
    /// <summary>Runs one SCAN call; returns the next cursor and the keys.</summary>
    private static (string Cursor, List<string> Keys) ScanOnce(RawClient c, string cursor, params string[] options)
    {
        var reply = c.Call(["SCAN", cursor, .. options]);
        Assert.False(reply.IsError, reply.ToString());
        return (reply.Items![0].Text!, reply.Items[1].Items!.Select(i => i.Text!).ToList());
    }

    private static HashSet<string> FullScan(RawClient c, Action<int>? betweenCalls = null, params string[] options)
    {
        var seen = new HashSet<string>();
        string cursor = "0";
        for (int call = 0; call < 100_000; call++)
        {
            var (next, keys) = ScanOnce(c, cursor, options);
            seen.UnionWith(keys);
            if (next == "0") return seen;
            betweenCalls?.Invoke(call);
            cursor = next;
        }
        throw new InvalidOperationException("SCAN did not finish");
    }

    [Fact]
    public void Scan_ReturnsEveryKey()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        for (int i = 0; i < 1000; i += 100)
        {
            c.Call(["MSET", .. Enumerable.Range(i, 100).SelectMany(k => new[] { "key:" + k, "v" })]);
        }
        var seen = FullScan(c);
        Assert.Equal(1000, seen.Count);
        Assert.Equal(1000, FullScan(c, null, "COUNT", "1000").Count);
        Assert.Equal(1000, FullScan(c, null, "COUNT", "1").Count);
    }

    [Fact]
    public void Scan_ReturnsEveryKeyPresentThroughout_WhileTheTableGrows()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        using var writer = server.Connect();
        for (int i = 0; i < 500; i++) c.Call("SET", "old:" + i, "v");
        int added = 0;
        var seen = FullScan(c, _ =>
        {
            // Every call between SCANs doubles the pressure on the table: it resizes several times.
            for (int k = 0; k < 100 && added < 5000; k++) writer.Call("SET", "new:" + added++, "v");
        }, "COUNT", "20");
        for (int i = 0; i < 500; i++) Assert.Contains("old:" + i, seen);
        Assert.True(added > 1000);
    }

    [Fact]
    public void Scan_ReturnsEveryKeyPresentThroughout_WhileTheTableShrinks()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        using var writer = server.Connect();
        for (int i = 0; i < 4000; i++) c.Call("SET", "gone:" + i, "v");
        for (int i = 0; i < 100; i++) c.Call("SET", "kept:" + i, "v");
        int deleted = 0;
        var seen = FullScan(c, _ =>
        {
            for (int k = 0; k < 400 && deleted < 4000; k++) writer.Call("DEL", "gone:" + deleted++);
            lock (server.Server.Sync) server.Server.Keyspace[0].Main.ShrinkIfSparse();
        }, "COUNT", "50");
        for (int i = 0; i < 100; i++) Assert.Contains("kept:" + i, seen);
    }

    [Fact]
    public void Scan_FiltersByPatternTypeAndExpiry()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("MSET", "a1", "1", "a2", "2", "b1", "3");
        c.Call("SET", "a3", "x", "PXAT", "1");
        server.Store("alist", new FakeList());
        Assert.Equal(["a1", "a2", "alist"], FullScan(c, null, "MATCH", "a*").OrderBy(s => s, StringComparer.Ordinal));
        Assert.Equal(["a1", "a2", "b1"], FullScan(c, null, "TYPE", "STRING").OrderBy(s => s, StringComparer.Ordinal));
        Assert.Equal(["alist"], FullScan(c, null, "type", "list", "match", "a*"));
        Assert.Empty(FullScan(c, null, "TYPE", "nosuchtype"));
        Assert.Null(server.Fetch("a3"));
    }

    [Theory]
    [InlineData("-ERR syntax error", "0", "COUNT", "0")]
    [InlineData("-ERR syntax error", "0", "COUNT", "-1")]
    [InlineData("-ERR value is not an integer or out of range", "0", "COUNT", "abc")]
    [InlineData("-ERR syntax error", "0", "MATCH")]
    [InlineData("-ERR syntax error", "0", "TYPE")]
    [InlineData("-ERR syntax error", "0", "foo", "bar")]
    [InlineData("-ERR invalid cursor", "abc")]
    [InlineData("-ERR invalid cursor", " 1")]
    [InlineData("-ERR invalid cursor", "1 ")]
    [InlineData("-ERR invalid cursor", "18446744073709551616")]
    [InlineData("-ERR invalid cursor", "1.5")]
    [InlineData("-ERR invalid cursor", "+")]
    [InlineData("-ERR invalid cursor", "-")]
    [InlineData("-ERR invalid cursor", "0x10")]
    public void Scan_Errors_MatchRedis(string expected, params string[] args)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal(expected, c.CallText(["SCAN", .. args]));
    }

    [Theory]
    [InlineData("", 0UL)]
    [InlineData("0", 0UL)]
    [InlineData("007", 7UL)]
    [InlineData("+5", 5UL)]
    [InlineData("-1", ulong.MaxValue)]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    [InlineData("12\0x", 12UL)]
    public void ScanCursor_IsParsedLikeStrtoul(string text, ulong expected)
    {
        Assert.True(Commands.ScanCommand.TryParseCursor(System.Text.Encoding.Latin1.GetBytes(text), out ulong cursor));
        Assert.Equal(expected, cursor);
    }

    [Fact]
    public void Scan_OnAnEmptyDatabase_ReturnsCursorZero()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        Assert.Equal("*[$0, *[]]", c.CallText("SCAN", "0"));
        Assert.Equal("*[$0, *[]]", c.CallText("SCAN", "12345", "COUNT", "5"));
    }
}
