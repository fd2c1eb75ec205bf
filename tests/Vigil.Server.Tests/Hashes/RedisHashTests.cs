using System.Text;
using Vigil.Server.Storage;

namespace Vigil.Server.Tests.Hashes;

/// <summary>The hash value type alone: encodings, conversion thresholds, memory accounting, clones.</summary>
public class RedisHashTests
{
    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    private static string Get(RedisHash hash, string field) => hash.TryGet(B(field), out var value) ? Encoding.Latin1.GetString(value) : "(nil)";

    private static List<string> Pairs(RedisHash hash)
    {
        var list = new List<string>();
        foreach (var pair in hash) list.Add(Encoding.Latin1.GetString(pair.Field) + "=" + Encoding.Latin1.GetString(pair.Value));
        return list;
    }

    [Fact]
    public void SmallHash_KeepsInsertionOrder_AcrossUpdatesAndRemovals()
    {
        var hash = new RedisHash();
        var limits = EncodingLimits.Default;
        Assert.True(hash.Set(B("a"), B("1"), limits));
        Assert.True(hash.Set(B("b"), B("2"), limits));
        Assert.True(hash.Set(B("c"), B("3"), limits));
        Assert.False(hash.Set(B("b"), B("a much longer value than before"), limits));
        Assert.False(hash.Set(B("a"), B(""), limits));
        Assert.True(hash.Remove(B("c")));
        Assert.False(hash.Remove(B("c")));
        Assert.True(hash.Set(B("d"), B("4"), limits));
        Assert.Equal(["a=", "b=a much longer value than before", "d=4"], Pairs(hash));
        Assert.Equal("listpack", hash.Encoding);
        Assert.Equal(3, hash.Count);
        Assert.Equal("4", Get(hash, "d"));
        Assert.Equal("(nil)", Get(hash, "c"));
    }
}
