using System.Text;
using Vigil.Server.Persistence;
using Vigil.Server.Storage;
using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.Persistence;
using static Vigil.Server.Tests.Persistence.RdbTestSupport;

namespace Vigil.Server.Tests.Sets;

/// <summary>Sets in RDB form: intset and plain sets, the 7.2 listpack form, malformed input.</summary>
public class SetRdbTests
{
    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    private static RedisSet Read(byte[] body, EncodingLimits? limits = null) => (RedisSet)RdbTestSupport.Read(body, limits);

    private static List<string> Members(RedisSet set)
    {
        var list = new List<string>();
        foreach (var member in set) list.Add(Encoding.Latin1.GetString(member.ToBytes()));
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    [Fact]
    public void IntsetAndTable_RoundTrip()
    {
        var limits = EncodingLimits.Default;
        var ints = new RedisSet();
        foreach (var v in new[] { "1", "-5", "70000", "-9223372036854775808" }) ints.Add(B(v), limits);
        var body = Write(ints);
        Assert.Equal(RdbFormat.TypeSetIntset, body[0]);
        var back = Read(body);
        Assert.Equal("intset", back.Encoding);
        Assert.Equal(Members(ints), Members(back));

        var table = new RedisSet();
        for (int i = 0; i < 100; i++) table.Add(B(i % 2 == 0 ? i.ToString() : "member:" + new string('m', i)), limits);
        body = Write(table);
        Assert.Equal(RdbFormat.TypeSet, body[0]);
        back = Read(body);
        Assert.Equal("hashtable", back.Encoding);
        Assert.Equal(Members(table), Members(back));
    }

    [Fact]
    public void PlainSetsOfFewIntegers_LoadAsIntsets_AndLargeIntsetsAsTables()
    {
        byte[] plain = [RdbFormat.TypeSet, 3, 0xC0, 1, 0xC0, 2, 0xC0, 3];
        Assert.Equal("intset", Read(plain).Encoding);
        Assert.Equal("hashtable", Read(plain, new EncodingLimits { SetMaxIntsetEntries = 2 }).Encoding);
        var ints = new RedisSet();
        foreach (var v in new[] { "1", "2", "3" }) ints.Add(B(v), EncodingLimits.Default);
        var loaded = Read(Write(ints), new EncodingLimits { SetMaxIntsetEntries = 2 });
        Assert.Equal("hashtable", loaded.Encoding);
        Assert.Equal(["1", "2", "3"], Members(loaded));
    }

    [Fact]
    public void ListpackSets_OfRedis72_Load()
    {
        var listpack = new ListpackBuilder();
        foreach (var member in new[] { "a", "1", "b" }) listpack.Add(B(member));
        var set = Read([RdbFormat.TypeSetListpack, .. RdbString(listpack.Finish())]);
        Assert.Equal(["1", "a", "b"], Members(set));
    }

    [Fact]
    public void MalformedSets_AreFormatErrors_NeverCrashes()
    {
        var good = new RedisSet();
        foreach (var v in new[] { "1", "2", "300" }) good.Add(B(v), EncodingLimits.Default);
        var strings = new RedisSet();
        foreach (var v in new[] { "a", "b" }) strings.Add(B(v), EncodingLimits.Default);
        AssertCorruptionsAreFormatErrors(Write(good));
        AssertCorruptionsAreFormatErrors(Write(strings));
        // Unsorted, duplicate or empty intsets, duplicate members; an empty set reads as null (skipped when loading a file).
        Assert.Throws<RdbFormatException>(() => Read([RdbFormat.TypeSetIntset, .. RdbString([2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 1, 0])]));
        Assert.Throws<RdbFormatException>(() => Read([RdbFormat.TypeSetIntset, .. RdbString([2, 0, 0, 0, 0, 0, 0, 0])]));
        Assert.Throws<RdbFormatException>(() => Read([RdbFormat.TypeSet, 2, 1, (byte)'a', 1, (byte)'a']));
        Assert.Null(Read([RdbFormat.TypeSet, 0]));
        var duplicates = new ListpackBuilder();
        duplicates.Add(B("a"));
        duplicates.Add(B("a"));
        Assert.Throws<RdbFormatException>(() => Read([RdbFormat.TypeSetListpack, .. RdbString(duplicates.Finish())]));
    }

    [Fact]
    public void Restore_OfAnUnsortedIntset_RepliesBadDataFormat()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        byte[] body = [RdbFormat.TypeSetIntset, .. RdbString([2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 1, 0])];
        Assert.Equal("-ERR Bad data format", c.CallText("RESTORE", "k", "0", Encoding.Latin1.GetString(DumpPayloadOf(body))));
        Assert.Equal(":0", c.CallText("EXISTS", "k"));
    }
}
