using System.Text;
using Vigil.Server.Persistence;
using Vigil.Server.Storage;
using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.Keys;
using static Vigil.Server.Tests.Persistence.RdbTestSupport;

namespace Vigil.Server.Tests.Hashes;

/// <summary>Hashes in RDB form: every encoding Redis wrote reads back, malformed input is a clean error, copy-on-write.</summary>
public class HashRdbTests
{
    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    private static List<string> Pairs(object value)
    {
        var list = new List<string>();
        foreach (var pair in (RedisHash)value) list.Add(Encoding.Latin1.GetString(pair.Field) + "=" + Encoding.Latin1.GetString(pair.Value));
        return list;
    }

    [Fact]
    public void ListpackAndTable_RoundTrip_WithIntegersAndLongStrings()
    {
        var limits = EncodingLimits.Default;
        var small = new RedisHash();
        string[] values = ["0", "127", "128", "-1", "-4096", "4095", "-4097", "32767", "-32768", "8388607", "-8388608",
            "2147483647", "-2147483648", "9223372036854775807", "-9223372036854775808", "01", "1.5", "", new string('y', 63), new string('z', 64)];
        for (int i = 0; i < values.Length; i++) small.Set(B("f" + i), B(values[i]), limits);
        Assert.True(small.IsPacked);
        var back = Read(Write(small));
        Assert.Equal(Pairs(small), Pairs(back));
        Assert.Equal(RdbFormat.TypeHashListpack, Write(small)[0]);

        var large = new RedisHash();
        for (int i = 0; i < 300; i++) large.Set(B("field" + i), B(i % 2 == 0 ? i.ToString() : new string('v', i)), limits);
        var largeBack = (RedisHash)Read(Write(large));
        Assert.Equal("hashtable", largeBack.Encoding);
        Assert.Equal(Pairs(large).OrderBy(p => p), Pairs(largeBack).OrderBy(p => p));
        Assert.Equal(RdbFormat.TypeHash, Write(large)[0]);
    }

    [Fact]
    public void Listpack_WithMoreThan4095ByteStrings_UsesThe32BitEncoding()
    {
        var hash = new RedisHash();
        var limits = new EncodingLimits { HashMaxListpackValue = 100_000 };
        hash.Set(B("f"), new byte[5000], limits);
        hash.Set(B(new string('k', 4096)), B("v"), limits);
        var r = new RdbReader(new MemoryStream(Write(hash))) { Limits = limits };
        var back = RdbValueCodec.ReadValue(r, r.ReadByte());
        Assert.Equal(Pairs(hash), Pairs(back));
    }

    [Fact]
    public void OlderEncodings_Load_ZiplistAndZipmap()
    {
        // A ziplist of "a" "1" "b" "hello" as Redis 6 wrote it: zlbytes zltail zllen, prevlen/encoding entries, 0xFF.
        byte[] ziplist =
        [
            0, 0, 0, 0, 0, 0, 0, 0, 4, 0,
            0x00, 0x01, (byte)'a',
            0x03, 0xF2,
            0x02, 0x01, (byte)'b',
            0x03, 0x05, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o',
            0xFF,
        ];
        BitConverter.TryWriteBytes(ziplist.AsSpan(0, 4), ziplist.Length);
        var value = Read([RdbFormat.TypeHashZiplist, .. RdbString(ziplist)]);
        Assert.Equal(["a=1", "b=hello"], Pairs(value));

        // A zipmap (Redis 2.4): zmlen, then len key len free value, 0xFF.
        byte[] zipmap = [2, 1, (byte)'k', 2, 0, (byte)'v', (byte)'1', 3, (byte)'k', (byte)'e', (byte)'y', 1, 2, (byte)'x', 0, 0, 0xFF];
        Assert.Equal(["k=v1", "key=x"], Pairs(Read([RdbFormat.TypeHashZipmap, .. RdbString(zipmap)])));
    }

    [Fact]
    public void LoadedHashes_TakeTheEncodingTheLimitsCallFor()
    {
        var limits = EncodingLimits.Default;
        var hash = new RedisHash();
        for (int i = 0; i < 5; i++) hash.Set(B("f" + i), B("v"), limits);
        var body = Write(hash);
        Assert.Equal("listpack", ((RedisHash)Read(body)).Encoding);
        Assert.Equal("hashtable", ((RedisHash)Read(body, new EncodingLimits { HashMaxListpackEntries = 4 })).Encoding);
        Assert.Equal("hashtable", ((RedisHash)Read(body, new EncodingLimits { HashMaxListpackValue = 1 })).Encoding);
    }

    [Fact]
    public void MalformedHashes_AreFormatErrors_NeverCrashes()
    {
        var hash = new RedisHash();
        hash.Set(B("a"), B("1"), EncodingLimits.Default);
        hash.Set(B("b"), B("2"), EncodingLimits.Default);
        var good = Write(hash);
        // Every truncation and every single-byte corruption either loads or fails with a format error.
        AssertCorruptionsAreFormatErrors(good);
        // Specific shapes Redis refuses: duplicates, odd entry counts; empty hashes read as null (skipped when loading a file).
        var listpack = new ListpackBuilder();
        foreach (var item in new[] { "a", "1", "a", "2" }) listpack.Add(B(item));
        Assert.Throws<RdbFormatException>(() => Read([RdbFormat.TypeHashListpack, .. RdbString(listpack.Finish().ToArray())]));
        var odd = new ListpackBuilder();
        foreach (var item in new[] { "a", "1", "b" }) odd.Add(B(item));
        Assert.Throws<RdbFormatException>(() => Read([RdbFormat.TypeHashListpack, .. RdbString(odd.Finish().ToArray())]));
        Assert.Null(Read([RdbFormat.TypeHashListpack, .. RdbString(new ListpackBuilder().Finish().ToArray())]));
        Assert.Null(Read([RdbFormat.TypeHash, 0]));
        Assert.Throws<RdbFormatException>(() => Read([RdbFormat.TypeHash, 2, 1, (byte)'a', 1, (byte)'1', 1, (byte)'a', 1, (byte)'2']));
        Assert.Throws<RdbFormatException>(() => Read([RdbFormat.TypeHash, 0x80, 0x7F, 0xFF, 0xFF, 0xFF]));
    }

    [Fact]
    public void Restore_OfMalformedPayloads_RepliesBadDataFormat()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        var listpack = new ListpackBuilder();
        foreach (var item in new[] { "a", "1", "a", "2" }) listpack.Add(B(item));
        byte[] body = [RdbFormat.TypeHashListpack, .. RdbString(listpack.Finish().ToArray())];
        Assert.Equal("-ERR Bad data format", c.CallText("RESTORE", "k", "0", Encoding.Latin1.GetString(DumpPayloadOf(body))));
        Assert.Equal(":0", c.CallText("EXISTS", "k"));
        Assert.Equal("+PONG", c.CallText("PING"));
    }

    [Fact]
    public void WritesDuringASnapshot_ChangeACopy_AndLeaveTheSnapshotsHashAlone()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        c.Call("HSET", "h", "a", "1");
        var original = (RedisHash)server.Fetch("h")!;
        lock (server.Server.Sync) server.Server.Keyspace.CopyOnWrite = new SnapshotGuard();
        c.Call("HSET", "h", "b", "2");
        c.Call("HINCRBY", "h", "a", "5");
        lock (server.Server.Sync) server.Server.Keyspace.CopyOnWrite = null;
        Assert.Equal(["a=1"], Pairs(original));
        Assert.Equal("*[$a, $6, $b, $2]", c.CallText("HGETALL", "h"));
    }
}
