using Vigil.Server.Persistence;
using Vigil.Server.Storage;

namespace Vigil.Server.Tests.Persistence;

/// <summary>What the collections' RDB tests share: values to and from RDB bodies, and corruption sweeps.</summary>
internal static class RdbTestSupport
{
    /// <summary>Reads one type byte and value, which must take the whole body; null for an empty collection.</summary>
    public static object? Read(byte[] body, EncodingLimits? limits = null)
    {
        var r = new RdbReader(new MemoryStream(body)) { Limits = limits ?? EncodingLimits.Default };
        var value = RdbValueCodec.ReadValue(r, r.ReadByte());
        Assert.Equal(body.Length, r.Offset);
        return value;
    }

    /// <summary>The type byte and value as a DUMP body (compressed, no checksum).</summary>
    public static byte[] Write(object value)
    {
        var stream = new MemoryStream();
        var w = new RdbWriter(stream, compress: true, checksum: false);
        w.WriteByte(RdbValueCodec.TypeOf(value));
        RdbValueCodec.WriteValue(w, value);
        w.Flush();
        return stream.ToArray();
    }

    /// <summary>A DUMP payload around <paramref name="body"/> (type byte and value): RDB version and a CRC-64 footer.</summary>
    public static byte[] DumpPayloadOf(byte[] body)
    {
        byte[] payload = [.. body, RdbFormat.Version, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(payload.AsSpan(payload.Length - 8), Crc64.Update(0, payload.AsSpan(0, payload.Length - 8)));
        return payload;
    }

    /// <summary>An RDB string holding <paramref name="blob"/> as is (length-prefixed, uncompressed).</summary>
    public static byte[] RdbString(ReadOnlySpan<byte> blob)
    {
        var stream = new MemoryStream();
        var w = new RdbWriter(stream, compress: false, checksum: false);
        w.WriteLength((ulong)blob.Length);
        w.WriteRaw(blob);
        w.Flush();
        return stream.ToArray();
    }

    /// <summary>Every truncation and every single-bit flip of <paramref name="body"/> either loads or fails with a format error.</summary>
    public static void AssertCorruptionsAreFormatErrors(byte[] body)
    {
        for (int length = 0; length < body.Length; length++) AssertFormatErrorOrValue(body[..length]);
        for (int i = 0; i < body.Length; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                var bad = (byte[])body.Clone();
                bad[i] ^= (byte)(1 << bit);
                AssertFormatErrorOrValue(bad);
            }
        }
    }

    private static void AssertFormatErrorOrValue(byte[] body)
    {
        try
        {
            var r = new RdbReader(new MemoryStream(body));
            RdbValueCodec.ReadValue(r, r.ReadByte());
        }
        catch (RdbFormatException)
        {
        }
    }
}
