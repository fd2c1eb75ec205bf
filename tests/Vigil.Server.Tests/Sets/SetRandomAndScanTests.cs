using Vigil.Protocol;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Sets;

/// <summary>SRANDMEMBER, SPOP and SSCAN in both encodings, through Redis's count cases.</summary>
public class SetRandomAndScanTests
{
    private static List<string> Texts(RespValue reply) => reply.Items!.Select(i => i.Text!).ToList();

    /// <summary>A set of <paramref name="size"/> members: integers (an intset while small) or strings (a hashtable).</summary>
    private static HashSet<string> Fill(RawClient c, string key, int size, bool integers)
    {
        var members = Enumerable.Range(0, size).Select(i => integers ? i.ToString() : "m" + i).ToList();
        c.Call(["SADD", key, .. members]);
        return members.ToHashSet();
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(5, false)]
    [InlineData(200, false)]
    [InlineData(600, true)]
    public void SRandMember_GivesDistinctMembersForPositiveCounts_AndRepeatsForNegative(int size, bool integers)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        var all = Fill(c, "s", size, integers);
        Assert.Equal(all, Texts(c.Call("SRANDMEMBER", "s", (size + 3).ToString())).ToHashSet());
        foreach (int count in new[] { 1, 2, size / 3, size / 2, size - 1 })
        {
            var picked = Texts(c.Call("SRANDMEMBER", "s", count.ToString()));
            Assert.Equal(count, picked.Count);
            Assert.Equal(count, picked.Distinct().Count());
            Assert.Subset(all, picked.ToHashSet());
        }
        var repeated = Texts(c.Call("SRANDMEMBER", "s", "-50"));
        Assert.Equal(50, repeated.Count);
        Assert.Subset(all, repeated.ToHashSet());
        Assert.Contains(c.Call("SRANDMEMBER", "s").Text!, all);
        Assert.Equal(":" + size, c.CallText("SCARD", "s"));
    }

    [Theory]
    [InlineData(10, true, 2)]
    [InlineData(10, false, 9)]
    [InlineData(300, false, 30)]
    [InlineData(300, false, 290)]
    [InlineData(6, true, 6)]
    [InlineData(6, false, 100)]
    public void SPop_RemovesWhatItReturns(int size, bool integers, int count)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        var all = Fill(c, "s", size, integers);
        var popped = Texts(c.Call("SPOP", "s", count.ToString()));
        Assert.Equal(Math.Min(count, size), popped.Count);
        Assert.Equal(popped.Count, popped.Distinct().Count());
        Assert.Subset(all, popped.ToHashSet());
        var left = c.Call("SMEMBERS", "s").Items!.Select(i => i.Text!).ToHashSet();
        Assert.Equal(all.Except(popped).ToHashSet(), left);
        Assert.Equal(left.Count > 0 ? 1 : 0, c.Call("EXISTS", "s").Integer);
        if (left.Count == 0) return;
        var one = c.Call("SPOP", "s").Text!;
        Assert.Contains(one, left);
        Assert.Equal(":0", c.CallText("SISMEMBER", "s", one));
    }

    [Fact]
    public void SPop_OfMostOfALargeIntegerSet_LeavesAnIntset()
    {
        // CASE 3 builds the remainder as a new set, so it takes the encoding its members call for.
        using var server = new TestServer();
        using var c = server.Connect();
        Fill(c, "s", 600, integers: true);
        Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "s"));
        c.Call("SPOP", "s", "590");
        Assert.Equal("$intset", c.CallText("OBJECT", "ENCODING", "s"));
        Assert.Equal(":10", c.CallText("SCARD", "s"));
    }

    [Fact]
    public void SScan_OfAnIntset_ReturnsEverythingAtOnce()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("SADD", "s", "3", "1", "2", "30");
        Assert.Equal("*[$0, *[$1, $2, $3, $30]]", c.CallText("SSCAN", "s", "0", "COUNT", "1"));
        Assert.Equal("*[$0, *[$3, $30]]", c.CallText("SSCAN", "s", "5", "MATCH", "3*"));
        Assert.Equal("*[$0, *[]]", c.CallText("SSCAN", "nokey", "0"));
        Assert.Equal("-ERR syntax error", c.CallText("SSCAN", "s", "0", "TYPE", "string"));
        Assert.Equal("-ERR syntax error", c.CallText("SSCAN", "s", "0", "COUNT", "0"));
    }

    [Fact]
    public void SScan_OfAHashtable_VisitsEveryMemberAcrossCalls_EvenWhileItShrinks()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        var all = Fill(c, "s", 1000, integers: false);
        var seen = new HashSet<string>();
        string cursor = "0";
        int calls = 0;
        do
        {
            var reply = c.Call("SSCAN", "s", cursor);
            cursor = reply.Items![0].Text!;
            seen.UnionWith(Texts(reply.Items[1]));
            // Removing members (and shrinking the table) must not hide the ones that stay.
            if (calls++ % 4 == 0) c.Call("SREM", "s", "m" + (calls * 7 % 1000), "gone" + calls);
        } while (cursor != "0");
        var present = Texts(c.Call("SMEMBERS", "s")).ToHashSet();
        Assert.Subset(seen, present);
        Assert.True(calls > 20);
    }
}
