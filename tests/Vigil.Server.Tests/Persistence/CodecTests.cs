using System.Text;
using Vigil.Server.Persistence;

namespace Vigil.Server.Tests.Persistence;

public class CodecTests
{
    [Fact]
    public void Crc64_MatchesRedisTestVector()
    {
        // crc64.c's self test: crc64(0, "123456789") == 0xe9c6d914c4b8d9ca.
        Assert.Equal(0xe9c6d914c4b8d9caUL, Crc64.Update(0, "123456789"u8));
    }

    [Fact]
    public void Crc64_IsIncremental()
    {
        var data = Encoding.ASCII.GetBytes(new string('a', 100) + "xyz" + new string('b', 37));
        ulong whole = Crc64.Update(0, data);
        ulong parts = Crc64.Update(Crc64.Update(0, data.AsSpan(0, 13)), data.AsSpan(13));
        Assert.Equal(whole, parts);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    public void Lzf_RoundTripsRandomAndRepetitiveData(int seed)
    {
        var random = new Random(seed);
        for (int round = 0; round < 200; round++)
        {
            int length = random.Next(4, 5000);
            var input = new byte[length];
            // Mix runs and noise so both literals and back references occur.
            for (int i = 0; i < length; i++) input[i] = random.Next(4) == 0 ? (byte)random.Next(256) : (byte)('a' + (i / 7) % 3);
            var compressed = new byte[length];
            int n = Lzf.Compress(input, compressed);
            if (n == 0) continue;
            var output = new byte[length];
            Assert.True(Lzf.TryDecompress(compressed.AsSpan(0, n), output));
            Assert.Equal(input, output);
        }
    }

    [Theory]
    // Bytes as redis-server 7.0.15 puts them in DUMP payloads: position 0 is never a reference
    // (ref > in_data), and a match may end exactly at the end of the input.
    [InlineData('r', 45, "01 72 72 e0 20 00 01 72 72")]
    [InlineData('q', 300, "01 71 71 e0 ff 00 e0 17 00 01 71 71")]
    public void Lzf_CompressesAsRedisDoes(char c, int count, string expectedHex)
    {
        var input = System.Text.Encoding.ASCII.GetBytes(new string(c, count));
        var compressed = new byte[count - 4];
        int n = Lzf.Compress(input, compressed);
        Assert.Equal(expectedHex, Convert.ToHexString(compressed, 0, n).ToLowerInvariant().Chunk(2).Select(p => new string(p)).Aggregate((a, b) => a + " " + b));
    }

    [Fact]
    public void Lzf_RejectsCorruptInput_WithoutThrowing()
    {
        var random = new Random(42);
        for (int round = 0; round < 500; round++)
        {
            var garbage = new byte[random.Next(1, 64)];
            random.NextBytes(garbage);
            var output = new byte[random.Next(1, 256)];
            Lzf.TryDecompress(garbage, output);
        }
    }

    [Fact]
    public void Listpack_DecodesEveryEncoding()
    {
        // Entries: 7-bit uint 5, 6-bit string "ab", 13-bit int -2, int16 1000, int32 100000, int64 2^40.
        var entries = new List<byte[]>
        {
            new byte[] { 0x05, 0x01 },
            new byte[] { 0x82, (byte)'a', (byte)'b', 0x03 },
            new byte[] { 0xDF, 0xFE, 0x02 },
            new byte[] { 0xF1, 0xE8, 0x03, 0x03 },
            new byte[] { 0xF3, 0xA0, 0x86, 0x01, 0x00, 0x05 },
            new byte[] { 0xF4, 0, 0, 0, 0, 0, 1, 0, 0, 0x09 },
        };
        var body = entries.SelectMany(e => e).ToList();
        int total = 6 + body.Count + 1;
        var lp = new List<byte> { (byte)total, 0, 0, 0, (byte)entries.Count, 0 };
        lp.AddRange(body);
        lp.Add(0xFF);
        var items = PackedEncodings.DecodeListpack(lp.ToArray()).Select(b => Encoding.ASCII.GetString(b)).ToArray();
        Assert.Equal(["5", "ab", "-2", "1000", "100000", "1099511627776"], items);
    }

    [Fact]
    public void PackedDecoders_RejectTruncatedBlobs()
    {
        var random = new Random(3);
        for (int round = 0; round < 300; round++)
        {
            var blob = new byte[random.Next(0, 40)];
            random.NextBytes(blob);
            if (blob.Length >= 4) BitConverter.TryWriteBytes(blob.AsSpan(0, 4), (uint)blob.Length);
            AssertRejectsOrDecodes(() => PackedEncodings.DecodeListpack(blob));
            AssertRejectsOrDecodes(() => PackedEncodings.DecodeZiplist(blob));
            AssertRejectsOrDecodes(() => PackedEncodings.DecodeIntset(blob));
            AssertRejectsOrDecodes(() => PackedEncodings.DecodeZipmap(blob));
        }
    }

    private static void AssertRejectsOrDecodes(Func<List<byte[]>> decode)
    {
        try
        {
            decode();
        }
        catch (InvalidDataException)
        {
        }
    }

    [Fact]
    public void RdbStrings_RoundTrip_IntegerCompressedAndRaw()
    {
        var values = new[] { "0", "-1", "127", "-32768", "2147483647", "12345678901", "007", "hello",
            new string('z', 300), string.Concat(Enumerable.Range(0, 50).Select(i => "abc" + i)) };
        var stream = new MemoryStream();
        var writer = new RdbWriter(stream);
        writer.WriteHeader();
        foreach (var v in values) writer.WriteString(Encoding.ASCII.GetBytes(v));
        writer.WriteEnd();

        stream.Position = 0;
        var reader = new RdbReader(stream);
        Assert.Equal(RdbFormat.Version, reader.ReadHeader());
        foreach (var v in values) Assert.Equal(v, Encoding.ASCII.GetString(reader.ReadString()));
        Assert.Equal(RdbFormat.OpEof, reader.ReadByte());
        ulong computed = reader.Checksum;
        Assert.Equal(computed, (ulong)reader.ReadInt64LittleEndian());
    }
}
