using Vigil.Protocol;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Hashes;

/// <summary>HRANDFIELD and HSCAN: reply shapes, Redis's count cases, listpack versus hashtable scans.</summary>
public class HashRandomAndScanTests
{
    private static HashSet<string> Texts(RespValue reply) => reply.Items!.Select(i => i.Text!).ToHashSet();

    [Fact]
    public void HRandField_CountArgument_IsCheckedAsRedisDoes()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("HSET", "h", "a", "1", "b", "2", "c", "3");
        Assert.Equal("*[]", c.CallText("HRANDFIELD", "h", "0"));
        Assert.Equal("*[]", c.CallText("HRANDFIELD", "nokey", "1"));
        Assert.Equal("*[]", c.CallText("HRANDFIELD", "nokey", "1", "WITHVALUES"));
        Assert.Equal("$nil", c.CallText("HRANDFIELD", "nokey"));
        Assert.Equal("-ERR syntax error", c.CallText("HRANDFIELD", "h", "1", "withvalue"));
        Assert.Equal("-ERR syntax error", c.CallText("HRANDFIELD", "h", "1", "withvalues", "x"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("HRANDFIELD", "nokey", "x"));
        Assert.Equal("-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
            c.CallText("HRANDFIELD", "h", "-9223372036854775808"));
        Assert.Equal("-ERR value is out of range", c.CallText("HRANDFIELD", "h", "-4611686018427387904", "withvalues"));
        Assert.Equal("-ERR value is out of range", c.CallText("HRANDFIELD", "h", "4611686018427387904", "withvalues"));
        Assert.Equal(6, c.Call("HRANDFIELD", "h", "4611686018427387903", "withvalues").Items!.Length);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(300)]
    public void HRandField_ReturnsDistinctFieldsForPositiveCounts_AndRepeatsForNegative(int size)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        var all = new HashSet<string>();
        var args = new List<string> { "HSET", "h" };
        for (int i = 0; i < size; i++)
        {
            args.Add("f" + i);
            args.Add("v" + i);
            all.Add("f" + i);
        }
        c.Call(args.ToArray());
        Assert.Equal(all, Texts(c.Call("HRANDFIELD", "h", (size + 5).ToString())));
        foreach (int count in new[] { 1, 2, size / 2, size - 1 })
        {
            var fields = c.Call("HRANDFIELD", "h", count.ToString()).Items!.Select(i => i.Text!).ToList();
            Assert.Equal(count, fields.Count);
            Assert.Equal(count, fields.Distinct().Count());
            Assert.Subset(all, fields.ToHashSet());
        }
        var repeated = c.Call("HRANDFIELD", "h", "-20").Items!;
        Assert.Equal(20, repeated.Length);
        Assert.Subset(all, repeated.Select(i => i.Text!).ToHashSet());
        var withValues = c.Call("HRANDFIELD", "h", "-3", "WITHVALUES").Items!;
        Assert.Equal(6, withValues.Length);
        for (int i = 0; i < 6; i += 2) Assert.Equal("v" + withValues[i].Text![1..], withValues[i + 1].Text);
        var distinctPairs = c.Call("HRANDFIELD", "h", "3", "WITHVALUES").Items!;
        Assert.Equal(6, distinctPairs.Length);
        Assert.Equal("$v" + distinctPairs[0].Text![1..], distinctPairs[1].ToString());
    }

    [Fact]
    public void HRandField_SampleOfAListpack_KeepsItsOrder()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5");
        for (int round = 0; round < 20; round++)
        {
            var fields = c.Call("HRANDFIELD", "h", "3").Items!.Select(i => i.Text!).ToList();
            Assert.Equal(fields.OrderBy(f => f, StringComparer.Ordinal), fields);
        }
    }

    [Fact]
    public void HRandField_Resp3WithValues_NestsPairs()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("HELLO", "3");
        c.Call("HSET", "h", "a", "1");
        Assert.Equal("*[*[$a, $1], *[$a, $1]]", c.CallText("HRANDFIELD", "h", "-2", "WITHVALUES"));
        Assert.Equal("*[*[$a, $1]]", c.CallText("HRANDFIELD", "h", "5", "WITHVALUES"));
        Assert.Equal("*[*[$a, $1]]", c.CallText("HRANDFIELD", "h", "1", "WITHVALUES"));
        Assert.Equal("*[$a, $a]", c.CallText("HRANDFIELD", "h", "-2"));
        Assert.Equal("$a", c.CallText("HRANDFIELD", "h"));
    }

    [Fact]
    public void HScan_OfAListpack_ReturnsEverythingAtOnce()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("HSET", "h", "a", "1", "b", "2", "ab", "3");
        Assert.Equal("*[$0, *[$a, $1, $b, $2, $ab, $3]]", c.CallText("HSCAN", "h", "0", "COUNT", "1"));
        Assert.Equal("*[$0, *[$a, $1, $b, $2, $ab, $3]]", c.CallText("HSCAN", "h", "7"));
        Assert.Equal("*[$0, *[$a, $1, $ab, $3]]", c.CallText("HSCAN", "h", "0", "MATCH", "a*"));
        Assert.Equal("*[$0, *[]]", c.CallText("HSCAN", "h", "0", "MATCH", "a", "COUNT", "5", "MATCH", "zz"));
        Assert.Equal("*[$0, *[]]", c.CallText("HSCAN", "nokey", "0"));
        Assert.Equal("*[$0, *[]]", c.CallText("HSCAN", "nokey", "0", "COUNT", "0"));
        Assert.Equal("-ERR syntax error", c.CallText("HSCAN", "h", "0", "COUNT", "0"));
        Assert.Equal("-ERR syntax error", c.CallText("HSCAN", "h", "0", "TYPE", "string"));
        Assert.Equal("-ERR syntax error", c.CallText("HSCAN", "h", "0", "MATCH"));
        Assert.Equal("-ERR syntax error", c.CallText("HSCAN", "h", "0", "foo"));
        Assert.Equal("-ERR value is not an integer or out of range", c.CallText("HSCAN", "h", "0", "COUNT", "x"));
        Assert.Equal("-ERR invalid cursor", c.CallText("HSCAN", "nokey", "x"));
    }

    [Fact]
    public void HScan_OfAHashtable_VisitsEveryPairAcrossCalls_EvenWhileItChanges()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        var args = new List<string> { "HSET", "h" };
        // More fields than hash-max-listpack-entries (512 in Redis 7.0): a hashtable.
        for (int i = 0; i < 600; i++) args.AddRange(["f" + i, "v" + i]);
        c.Call(args.ToArray());
        var seen = new Dictionary<string, string>();
        string cursor = "0";
        int calls = 0, added = 0;
        do
        {
            var reply = c.Call("HSCAN", "h", cursor, "COUNT", "20").Items!;
            cursor = reply[0].Text!;
            var items = reply[1].Items!;
            Assert.True(items.Length < 600);
            for (int i = 0; i < items.Length; i += 2) seen[items[i].Text!] = items[i + 1].Text!;
            // Growth between calls must not make the scan miss fields that were there all along.
            if (calls++ % 3 == 0 && added < 300) c.Call("HSET", "h", "new" + added++, "x");
        } while (cursor != "0");
        Assert.True(calls > 5);
        for (int i = 0; i < 500; i++) Assert.Equal("v" + i, seen["f" + i]);
        var matched = c.Call("HSCAN", "h", "0", "MATCH", "f1*", "COUNT", "1000").Items![1].Items!;
        Assert.Equal(111 * 2, matched.Length);
    }
}
