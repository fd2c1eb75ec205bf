using System.Buffers.Binary;
using System.Text;
using Vigil.Server.Persistence;
using Vigil.Server.Storage;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Lists;

/// <summary>Lists in RDB/DUMP form: Redis 7.0's own payloads, older encodings, and malformed input.</summary>
public class ListRdbCodecTests
{
    /// <summary>DUMP of RPUSH p a 1 -2 hello 300 from redis-server 7.0.15.</summary>
    private const string RedisSmallPayload = "120102191900000005008161020101dffe028568656c6c6f06c12c02ff0a00727b27f77228639b";

    /// <summary>
    /// DUMP from redis-server 7.0.15 of a list holding every listpack integer width, non-canonical
    /// integers ("-0", "01", "+1", " 1") and strings around the 6/12-bit length limits, in two nodes.
    /// </summary>
    private const string RedisMixedPayload =
        "120202c340a050e41fe4100000160000017f01c08002dfff02d00002cfff02f1001003f1ff7f03f1000d8003f2ffff7f04f200008004f3ff200a0205f300200b0105f4200b4000027f09f4200f40000b8009822d300382303103822b200304203103bf61e035000340e04062e036000342efff63e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e07d00022081ff02c34048501507151000000200f00020060064e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e07e000920858568656c6c6f06ff0a00fb6a04f7ae24fe05";

    private static readonly string[] MixedElements =
    [
        "0", "127", "128", "-1", "-4096", "4095", "4096", "32767", "-32768", "8388607", "-8388608", "2147483647", "-2147483648",
        "9223372036854775807", "-9223372036854775808", "-0", "01", "+1", " 1", new string('a', 63), new string('b', 64),
        new string('c', 4095), new string('d', 4096), "hello",
    ];

    [Fact]
    public void RedisPayloads_ReadBackTheirElements()
    {
        Assert.Equal(["a", "1", "-2", "hello", "300"], Elements(ReadPayload(Convert.FromHexString(RedisSmallPayload))));
        Assert.Equal(MixedElements, Elements(ReadPayload(Convert.FromHexString(RedisMixedPayload))));
    }

    [Fact]
    public void Dump_OfASmallList_IsRedisPayloadByteForByte()
    {
        var list = ListOf("a", "1", "-2", "hello", "300");
        Assert.Equal(RedisSmallPayload, Convert.ToHexString(DumpPayload.Create(list)).ToLowerInvariant());
    }

    [Fact]
    public void Dump_RoundTripsEveryEncoding_AcrossManyNodes()
    {
        var random = new Random(3);
        var list = new RedisList();
        var expected = new List<string>();
        for (int i = 0; i < 3000; i++)
        {
            string element = (i % 5) switch
            {
                0 => random.NextInt64(long.MinValue, long.MaxValue).ToString(),
                1 => random.Next(-70000, 70000).ToString(),
                2 => new string((char)('a' + i % 26), random.Next(0, 100)),
                3 => i % 7 == 0 ? new string('z', 5000) : "x" + i,
                _ => MixedElements[i % MixedElements.Length],
            };
            expected.Add(element);
            list.PushTail(Encoding.Latin1.GetBytes(element));
        }
        var payload = DumpPayload.Create(list);
        Assert.True(DumpPayload.IsValid(payload));
        Assert.Equal(expected, Elements(ReadPayload(payload)));
    }

    [Fact]
    public void OlderEncodings_PlainZiplistAndQuicklist_AreRead()
    {
        var plain = Body(RdbFormat.TypeList, w =>
        {
            w.WriteLength(3);
            w.WriteString("a"u8);
            w.WriteString("12"u8);
            w.WriteString(Encoding.ASCII.GetBytes(new string('q', 40)));
        });
        Assert.Equal(["a", "12", new string('q', 40)], Elements(ReadBody(plain)));

        var ziplist = Body(RdbFormat.TypeListZiplist, w => w.WriteString(Ziplist("x", 5, -300, "yz")));
        Assert.Equal(["x", "5", "-300", "yz"], Elements(ReadBody(ziplist)));

        var quicklist = Body(RdbFormat.TypeListQuicklist, w =>
        {
            w.WriteLength(2);
            w.WriteString(Ziplist("a", 1));
            w.WriteString(Ziplist(12, "b"));
        });
        Assert.Equal(["a", "1", "12", "b"], Elements(ReadBody(quicklist)));

        var quicklist2 = Body(RdbFormat.TypeListQuicklist2, w =>
        {
            w.WriteLength(3);
            w.WriteLength(RdbFormat.QuicklistNodePacked);
            w.WriteString(Listpack("p", "1"));
            w.WriteLength(RdbFormat.QuicklistNodePlain);
            w.WriteString(Encoding.ASCII.GetBytes(new string('L', 300)));
            w.WriteLength(RdbFormat.QuicklistNodePacked);
            w.WriteString(Listpack("-7"));
        });
        Assert.Equal(["p", "1", new string('L', 300), "-7"], Elements(ReadBody(quicklist2)));
    }

    public static TheoryData<string, byte[]> MalformedBodies => new()
    {
        { "unknown node container", Body(RdbFormat.TypeListQuicklist2, w => { w.WriteLength(1); w.WriteLength(3); w.WriteString(Listpack("a")); }) },
        { "no nodes", Body(RdbFormat.TypeListQuicklist2, w => w.WriteLength(0)) },
        { "empty plain list", Body(RdbFormat.TypeList, w => w.WriteLength(0)) },
        { "more nodes than present", Body(RdbFormat.TypeListQuicklist2, w => { w.WriteLength(5); w.WriteLength(2); w.WriteString(Listpack("a")); }) },
        { "truncated listpack", Body(RdbFormat.TypeListQuicklist2, w => { w.WriteLength(1); w.WriteLength(2); w.WriteString(Listpack("abc")[..^2]); }) },
        { "listpack count mismatch", Body(RdbFormat.TypeListQuicklist2, w => { w.WriteLength(1); w.WriteLength(2); w.WriteString(WithCount(Listpack("a", "b"), 3)); }) },
        { "listpack entry past its end", Body(RdbFormat.TypeListQuicklist2, w => { w.WriteLength(1); w.WriteLength(2); w.WriteString(Corrupt(Listpack("abc"), 6, 0x8F)); }) },
        { "garbage ziplist", Body(RdbFormat.TypeListZiplist, w => w.WriteString("not a ziplist at all"u8)) },
        { "quicklist node not a ziplist", Body(RdbFormat.TypeListQuicklist, w => { w.WriteLength(1); w.WriteString(Listpack("a")); }) },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public void MalformedPayloads_AreRejectedCleanly(string what, byte[] body)
    {
        Assert.True(ReadBody(body) == null, what);
    }

    [Fact]
    public void Restore_OfAMalformedListPayload_AnswersBadDataFormat_AndTheServerLives()
    {
        using var server = new TestServer();
        using var c = server.Connect();
        var body = Body(RdbFormat.TypeListQuicklist2, w => { w.WriteLength(1); w.WriteLength(7); w.WriteString(Listpack("a")); });
        c.SendRaw(RawClient.Encode("RESTORE"u8.ToArray(), "k"u8.ToArray(), "0"u8.ToArray(), Persistence.RdbTestSupport.DumpPayloadOf(body)));
        Assert.Equal("-ERR Bad data format", c.Read().ToString());
        var good = Persistence.RdbTestSupport.DumpPayloadOf(Body(RdbFormat.TypeListQuicklist2, w => { w.WriteLength(1); w.WriteLength(2); w.WriteString(Listpack("a", "b")); }));
        c.SendRaw(RawClient.Encode("RESTORE"u8.ToArray(), "k"u8.ToArray(), "0"u8.ToArray(), good));
        Assert.Equal("+OK", c.Read().ToString());
        Assert.Equal("*[$a, $b]", c.CallText("LRANGE", "k", "0", "-1"));
        Assert.Equal("$quicklist", c.CallText("OBJECT", "ENCODING", "k"));
    }

    private static RedisList ListOf(params string[] elements)
    {
        var list = new RedisList();
        foreach (var e in elements) list.PushTail(Encoding.Latin1.GetBytes(e));
        return list;
    }

    private static string[] Elements(RedisList? list)
    {
        Assert.NotNull(list);
        var result = new string[list.Count];
        for (int i = 0; i < list.Count; i++) result[i] = Encoding.Latin1.GetString(list[i]);
        return result;
    }

    private static RedisList? ReadPayload(byte[] payload) => (RedisList?)DumpPayload.Read(payload);

    /// <summary>Reads a type byte and value body as RESTORE would (the footer is not looked at by Read).</summary>
    private static RedisList? ReadBody(byte[] body) => ReadPayload([.. body, .. new byte[10]]);

    private static byte[] Body(byte type, Action<RdbWriter> write)
    {
        var stream = new MemoryStream();
        var w = new RdbWriter(stream, compress: false, checksum: false);
        w.WriteByte(type);
        write(w);
        w.Flush();
        return stream.ToArray();
    }

    private static byte[] Listpack(params string[] elements)
    {
        var builder = new ListpackBuilder();
        foreach (var e in elements) builder.Add(Encoding.ASCII.GetBytes(e));
        return builder.Finish().ToArray();
    }

    private static byte[] WithCount(byte[] listpack, ushort count)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(listpack.AsSpan(4), count);
        return listpack;
    }

    private static byte[] Corrupt(byte[] blob, int at, byte value)
    {
        blob[at] = value;
        return blob;
    }

    /// <summary>A ziplist (Redis before 7.0) of short strings and integers.</summary>
    private static byte[] Ziplist(params object[] entries)
    {
        var body = new MemoryStream();
        int previous = 0;
        foreach (var entry in entries)
        {
            var e = new MemoryStream();
            e.WriteByte((byte)previous);
            if (entry is string s)
            {
                e.WriteByte((byte)s.Length);
                e.Write(Encoding.ASCII.GetBytes(s));
            }
            else if ((int)entry is >= 0 and <= 12)
            {
                e.WriteByte((byte)(0xF1 + (int)entry));
            }
            else
            {
                e.WriteByte(0xC0);
                e.Write(BitConverter.GetBytes((short)(int)entry));
            }
            previous = (int)e.Length;
            body.Write(e.ToArray());
        }
        var zl = new byte[10 + body.Length + 1];
        BinaryPrimitives.WriteUInt32LittleEndian(zl, (uint)zl.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(zl.AsSpan(8), (ushort)entries.Length);
        body.ToArray().CopyTo(zl, 10);
        zl[^1] = 0xFF;
        return zl;
    }
}
