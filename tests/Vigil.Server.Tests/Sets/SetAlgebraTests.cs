using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Sets;

/// <summary>SINTER, SINTERCARD, SUNION, SDIFF and the STORE forms (replies checked against redis-server 7.0.15).</summary>
public class SetAlgebraTests
{
    private static string Sorted(RawClient c, params string[] command) =>
        string.Join(",", c.Call(command).Items!.Select(i => i.Text).OrderBy(t => t, StringComparer.Ordinal));

    private static TestServer Start()
    {
        var server = new TestServer();
        using var c = server.Connect();
        c.Call("SADD", "a", "1", "2", "3", "4", "5");
        c.Call("SADD", "b", "4", "5", "6", "x");
        c.Call("SADD", "c", "5", "6", "7");
        return server;
    }

    [Fact]
    public void Intersection_AndItsCardinality()
    {
        using var server = Start();
        using var c = server.Connect();
        Assert.Equal("*[$4, $5]", c.CallText("SINTER", "a", "b"));
        Assert.Equal("*[$5]", c.CallText("SINTER", "a", "b", "c"));
        Assert.Equal("4,5,6,x", Sorted(c, "SINTER", "b", "b"));
        Assert.Equal("*[]", c.CallText("SINTER", "a", "nokey"));
        Assert.Equal(":2", c.CallText("SINTERCARD", "2", "a", "b"));
        Assert.Equal(":0", c.CallText("SINTERCARD", "1", "nokey"));
        Assert.Equal(":1", c.CallText("SINTERCARD", "1", "a", "LIMIT", "1"));
        Assert.Equal(":5", c.CallText("SINTERCARD", "1", "a", "limit", "0"));
        Assert.Equal(":2", c.CallText("SINTERCARD", "3", "a", "a", "a", "LIMIT", "2"));
        Assert.Equal("-ERR numkeys should be greater than 0", c.CallText("SINTERCARD", "0", "a"));
        Assert.Equal("-ERR numkeys should be greater than 0", c.CallText("SINTERCARD", "-1", "a"));
        Assert.Equal("-ERR numkeys should be greater than 0", c.CallText("SINTERCARD", "x", "a"));
        Assert.Equal("-ERR Number of keys can't be greater than number of args", c.CallText("SINTERCARD", "2", "a"));
        Assert.Equal("-ERR syntax error", c.CallText("SINTERCARD", "1", "a", "LIMIT"));
        Assert.Equal("-ERR syntax error", c.CallText("SINTERCARD", "1", "a", "foo", "1"));
        Assert.Equal("-ERR LIMIT can't be negative", c.CallText("SINTERCARD", "1", "a", "LIMIT", "-1"));
        Assert.Equal("-ERR LIMIT can't be negative", c.CallText("SINTERCARD", "1", "a", "LIMIT", "x"));
    }

    [Fact]
    public void UnionAndDifference()
    {
        using var server = Start();
        using var c = server.Connect();
        Assert.Equal("1,2,3,4,5,6,7,x", Sorted(c, "SUNION", "a", "b", "c"));
        Assert.Equal("*[$1, $2, $3, $4, $5]", c.CallText("SUNION", "a", "nokey"));
        Assert.Equal("*[]", c.CallText("SUNION", "nokey"));
        Assert.Equal("*[$1, $2, $3]", c.CallText("SDIFF", "a", "b"));
        Assert.Equal("*[$1, $2, $3]", c.CallText("SDIFF", "a", "b", "c"));
        Assert.Equal("*[]", c.CallText("SDIFF", "a", "a"));
        Assert.Equal("*[$1, $2, $3, $4, $5]", c.CallText("SDIFF", "a", "nokey"));
        Assert.Equal("*[]", c.CallText("SDIFF", "nokey", "a"));
        Assert.Equal("6,x", Sorted(c, "SDIFF", "b", "a"));
    }

    [Fact]
    public void StoreForms_ReplaceTheTarget_OrDeleteItWhenEmpty()
    {
        using var server = Start();
        using var c = server.Connect();
        c.Call("SET", "d", "old");
        c.Call("EXPIRE", "d", "100");
        Assert.Equal(":2", c.CallText("SINTERSTORE", "d", "a", "b"));
        Assert.Equal("*[$4, $5]", c.CallText("SMEMBERS", "d"));
        Assert.Equal("$intset", c.CallText("OBJECT", "ENCODING", "d"));
        Assert.Equal(":-1", c.CallText("TTL", "d"));
        Assert.Equal(":0", c.CallText("SINTERSTORE", "d", "a", "nokey"));
        Assert.Equal(":0", c.CallText("EXISTS", "d"));
        Assert.Equal(":4", c.CallText("SINTERSTORE", "d", "b", "b"));
        Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "d"));
        Assert.Equal(":7", c.CallText("SUNIONSTORE", "u", "a", "c"));
        Assert.Equal("*[$1, $2, $3, $4, $5, $6, $7]", c.CallText("SMEMBERS", "u"));
        Assert.Equal("$intset", c.CallText("OBJECT", "ENCODING", "u"));
        Assert.Equal(":0", c.CallText("SUNIONSTORE", "u", "nokey"));
        Assert.Equal(":0", c.CallText("EXISTS", "u"));
        Assert.Equal(":7", c.CallText("SUNIONSTORE", "u2", "a", "b"));
        Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "u2"));
        Assert.Equal(":4", c.CallText("SDIFFSTORE", "df", "a", "c"));
        Assert.Equal("*[$1, $2, $3, $4]", c.CallText("SMEMBERS", "df"));
        Assert.Equal(":0", c.CallText("SDIFFSTORE", "df", "a", "a"));
        Assert.Equal(":0", c.CallText("EXISTS", "df"));
        // The target may be one of the sources.
        Assert.Equal(":3", c.CallText("SDIFFSTORE", "a", "a", "b"));
        Assert.Equal("*[$1, $2, $3]", c.CallText("SMEMBERS", "a"));
    }

    [Fact]
    public void ResultsOfManyIntegers_BecomeHashtables_PastTheIntsetLimit()
    {
        using var server = new TestServer(c => c.SetMaxIntsetEntries = 3);
        using var c = server.Connect();
        c.Call("SADD", "a", "1", "2");
        c.Call("SADD", "b", "3", "4");
        Assert.Equal(":4", c.CallText("SUNIONSTORE", "u", "a", "b"));
        Assert.Equal("$hashtable", c.CallText("OBJECT", "ENCODING", "u"));
        Assert.Equal(":2", c.CallText("SUNIONSTORE", "v", "a"));
        Assert.Equal("$intset", c.CallText("OBJECT", "ENCODING", "v"));
    }
}
