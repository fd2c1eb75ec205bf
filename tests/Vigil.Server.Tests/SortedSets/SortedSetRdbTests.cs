using System.Text;
using Vigil.Server.Persistence;
using Vigil.Server.Storage;
using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.Keys;
using static Vigil.Server.Tests.Persistence.RdbTestSupport;

namespace Vigil.Server.Tests.SortedSets;

/// <summary>
/// Sorted sets in RDB form: DUMP payloads as redis-server 7.0.15 makes them (byte for byte but for
/// the LZF compressor's choices), every
/// encoding Redis ever wrote loads, malformed input is a clean error, copy-on-write during snapshots.
/// </summary>
public class SortedSetRdbTests
{
    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    // DUMP replies of redis-server 7.0.15 for the sets built in DumpPayloads_AreByteForByteRedis's.
    private const string SmallDump =
        "11c34084408e1f8e0000001e00816902842d696e6605816602d00002816c02dfff0281630200010781620293302e3130e005001f311481610283312e35048165020301816a027f01816b02c08002816d02f2409c160004816702f287d61204816e02f30000800005816f02f4206b008020030300098168600c20000020200c0964028531652b323006ff0a00960ddc3f12c69557";
    private const string MembersDump =
        "11c329407116710000000a00f1393003010180010201dff90203019439e00a0004150401bf78e0350003400501ff0a00a3154389d62b73de";
    private const string LargeDump =
        "050401649c7500883ce4377e016200000000000004400161000000000000f03f0163000000000000f0ff0a004a381de30fd62dff";

    private static string Elements(object value)
    {
        var sb = new StringBuilder();
        for (var node = ((RedisSortedSet)value).First; node != null; node = node.Next)
        {
            sb.Append(Encoding.Latin1.GetString(node.Member)).Append('=').Append(Vigil.Protocol.RedisNumbers.FormatDouble(node.Score)).Append(' ');
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>The listpack of a DUMP payload of a listpack-encoded set, decompressed.</summary>
    private static string ListpackIn(string payloadHex)
    {
        var payload = Convert.FromHexString(payloadHex);
        var r = new RdbReader(new MemoryStream(payload, 0, payload.Length - 10));
        Assert.Equal(RdbFormat.TypeZsetListpack, r.ReadByte());
        return Convert.ToHexStringLower(r.ReadString());
    }

    [Fact]
    public void DumpPayloads_AreByteForByteRedis_AndRedisPayloadsRestore()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("ZADD", "small", "1.5", "a", "0.1", "b", "-0", "c", "1e20", "d", "3", "e", "-4096", "f", "1234567", "g", "9007199254740993", "h",
            "-inf", "i", "127", "j", "128", "k", "-1", "l", "40000", "m", "8388608", "n", "2147483648", "o");
        c.Call("ZADD", "members", "1", "12345", "2", "", "3", "-7", "4", "99999999999999999999", "5", new string('x', 63));
        using (var skiplist = new TestServer(config => config.ZsetMaxListpackEntries = 2))
        using (var s = skiplist.Connect())
        {
            s.Call("ZADD", "large", "1", "a", "2.5", "b", "-inf", "c", "1e300", "d");
            Assert.Equal(LargeDump, Convert.ToHexStringLower(s.Call("DUMP", "large").Bytes!));
        }
        // Listpacks are LZF-compressed in both payloads, by compressors that pick different matches:
        // the listpacks inside are the same bytes.
        Assert.Equal(ListpackIn(SmallDump), ListpackIn(Convert.ToHexStringLower(c.Call("DUMP", "small").Bytes!)));
        Assert.Equal(ListpackIn(MembersDump), ListpackIn(Convert.ToHexStringLower(c.Call("DUMP", "members").Bytes!)));

        foreach (var (key, hex) in new[] { ("small", SmallDump), ("members", MembersDump), ("large", LargeDump) })
        {
            Assert.Equal("+OK", c.CallText("RESTORE", "copy-" + key, "0", Encoding.Latin1.GetString(Convert.FromHexString(hex))));
        }
        Assert.Equal(c.CallText("ZRANGE", "small", "0", "-1", "WITHSCORES"), c.CallText("ZRANGE", "copy-small", "0", "-1", "WITHSCORES"));
        Assert.Equal(c.CallText("ZRANGE", "members", "0", "-1", "WITHSCORES"), c.CallText("ZRANGE", "copy-members", "0", "-1", "WITHSCORES"));
        // A skiplist payload that fits the listpack limits loads as a listpack, as in Redis.
        Assert.Equal("$listpack", c.CallText("OBJECT", "ENCODING", "copy-large"));
        Assert.Equal("*[$c, $-inf, $a, $1, $b, $2.5, $d, $1.0000000000000001e+300]", c.CallText("ZRANGE", "copy-large", "0", "-1", "WITHSCORES"));
    }

    [Fact]
    public void OlderEncodings_Load_TextScoresAndZiplist()
    {
        // RDB_TYPE_ZSET: count, then member and a text double (253 nan, 254 +inf, 255 -inf).
        byte[] textScores = [RdbFormat.TypeZset, 3, 1, (byte)'a', 3, (byte)'1', (byte)'.', (byte)'5', 1, (byte)'b', 254, 1, (byte)'c', 255];
        Assert.Equal("c=-inf a=1.5 b=inf", Elements(Read(textScores)));
        Assert.Throws<RdbFormatException>(() => Read([RdbFormat.TypeZset, 1, 1, (byte)'a', 253]));

        // RDB_TYPE_ZSET_ZIPLIST: "a" 2 "b" "1.5" as Redis 6 wrote it.
        byte[] ziplist =
        [
            0, 0, 0, 0, 0, 0, 0, 0, 4, 0,
            0x00, 0x01, (byte)'a',
            0x03, 0xF3,
            0x02, 0x01, (byte)'b',
            0x03, 0x03, (byte)'1', (byte)'.', (byte)'5',
            0xFF,
        ];
        BitConverter.TryWriteBytes(ziplist.AsSpan(0, 4), ziplist.Length);
        var loaded = (RedisSortedSet)Read([RdbFormat.TypeZsetZiplist, .. RdbString(ziplist)]);
        Assert.Equal("b=1.5 a=2", Elements(loaded));
        Assert.Equal("listpack", loaded.Encoding);
        Assert.Equal("skiplist", ((RedisSortedSet)Read([RdbFormat.TypeZsetZiplist, .. RdbString(ziplist)], new EncodingLimits { ZsetMaxListpackEntries = 1 })).Encoding);
    }

    [Fact]
    public void LoadedSets_TakeTheEncodingRedisGivesThem()
    {
        var limits = EncodingLimits.Default;
        var set = RedisSortedSet.CreateSkiplist();
        set.Insert(B("a"), 1, limits);
        set.Insert(B(new string('m', 70)), 2, limits);
        var body = Write(set);
        // A long member keeps a loaded skiplist a skiplist...
        Assert.Equal(RdbFormat.TypeZset2, body[0]);
        Assert.Equal("skiplist", ((RedisSortedSet)Read(body)).Encoding);

        // ...but a loaded listpack stays one whatever its members' length: Redis checks only the count.
        var listpack = new ListpackBuilder();
        foreach (var item in new[] { "a", "1", new string('m', 70), "2" }) listpack.Add(B(item));
        byte[] packed = [RdbFormat.TypeZsetListpack, .. RdbString(listpack.Finish())];
        Assert.Equal("listpack", ((RedisSortedSet)Read(packed)).Encoding);
        Assert.Equal("skiplist", ((RedisSortedSet)Read(packed, new EncodingLimits { ZsetMaxListpackEntries = 1 })).Encoding);
    }

    [Fact]
    public void MalformedSortedSets_AreFormatErrors_NeverCrashes()
    {
        AssertCorruptionsAreFormatErrors(Convert.FromHexString(MembersDump)[..^10]);
        AssertCorruptionsAreFormatErrors(Convert.FromHexString(LargeDump)[..^10]);
        byte[] Listpack(params string[] items)
        {
            var builder = new ListpackBuilder();
            foreach (var item in items) builder.Add(B(item));
            return [RdbFormat.TypeZsetListpack, .. RdbString(builder.Finish().ToArray())];
        }
        Assert.Throws<RdbFormatException>(() => Read(Listpack("a", "1", "a", "2")));
        Assert.Throws<RdbFormatException>(() => Read(Listpack("a", "1", "b")));
        Assert.Null(Read(Listpack()));
        Assert.Throws<RdbFormatException>(() => Read(Listpack("a", "one")));
        Assert.Throws<RdbFormatException>(() => Read(Listpack("a", "nan")));
        Assert.Null(Read([RdbFormat.TypeZset2, 0]));
        Assert.Throws<RdbFormatException>(() => Read([RdbFormat.TypeZset2, 2, 1, (byte)'a', 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 1, (byte)'a', 0, 0, 0, 0, 0, 0, 0, 0x40]));
        Assert.Throws<RdbFormatException>(() => Read([RdbFormat.TypeZset2, 1, 1, (byte)'a', 0, 0, 0, 0, 0, 0, 0xF8, 0x7F]));
        Assert.Throws<RdbFormatException>(() => Read([RdbFormat.TypeZset2, 0x80, 0x7F, 0xFF, 0xFF, 0xFF]));
    }

    [Fact]
    public void Restore_OfMalformedPayloads_RepliesBadDataFormat()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        byte[] duplicate = [RdbFormat.TypeZset2, 2, 1, (byte)'a', 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 1, (byte)'a', 0, 0, 0, 0, 0, 0, 0, 0x40];
        Assert.Equal("-ERR Bad data format", c.CallText("RESTORE", "k", "0", Encoding.Latin1.GetString(DumpPayloadOf(duplicate))));
        byte[] empty = [RdbFormat.TypeZset2, 0];
        Assert.Equal("-ERR Bad data format", c.CallText("RESTORE", "k", "0", Encoding.Latin1.GetString(DumpPayloadOf(empty))));
        Assert.Equal(":0", c.CallText("EXISTS", "k"));
        Assert.Equal("+PONG", c.CallText("PING"));
    }

    [Fact]
    public void WritesDuringASnapshot_ChangeACopy_AndLeaveTheSnapshotsSetAlone()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("ZADD", "z", "1", "a", "2", "b");
        var original = (RedisSortedSet)server.Fetch("z")!;
        lock (server.Server.Sync) server.Server.Keyspace.CopyOnWrite = new SnapshotGuard();
        c.Call("ZADD", "z", "3", "c");
        c.Call("ZINCRBY", "z", "5", "a");
        c.Call("ZPOPMIN", "z");
        lock (server.Server.Sync) server.Server.Keyspace.CopyOnWrite = null;
        Assert.Equal("a=1 b=2", Elements(original));
        Assert.Equal("*[$c, $3, $a, $6]", c.CallText("ZRANGE", "z", "0", "-1", "WITHSCORES"));
    }
}
