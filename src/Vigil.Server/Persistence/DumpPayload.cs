using System.Buffers.Binary;

namespace Vigil.Server.Persistence;

/// <summary>
/// DUMP's serialization (cluster.c, createDumpPayload): type byte, value in RDB form, RDB version
/// as 2 little-endian bytes, CRC-64 of all that as 8 little-endian bytes.
/// </summary>
public static class DumpPayload
{
    public static byte[] Create(object value)
    {
        var stream = new MemoryStream();
        var w = new RdbWriter(stream, compress: true, checksum: false);
        w.WriteByte(RdbValueCodec.TypeOf(value));
        RdbValueCodec.WriteValue(w, value);
        w.Flush();
        Span<byte> version = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(version, RdbFormat.Version);
        stream.Write(version);
        ulong crc = Crc64.Update(0, stream.GetBuffer().AsSpan(0, (int)stream.Length));
        Span<byte> footer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(footer, crc);
        stream.Write(footer);
        return stream.ToArray();
    }

    /// <summary>
    /// verifyDumpPayload: the footer's version is one we read and its checksum matches. Unlike an
    /// RDB file's, a payload's zero checksum is no "checksum disabled": Redis rejects it too.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 10) return false;
        int version = BinaryPrimitives.ReadUInt16LittleEndian(payload[^10..]);
        if (version > RdbFormat.Version) return false;
        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(payload[^8..]);
        return Crc64.Update(0, payload[..^8]) == stored;
    }

    /// <summary>The value of a payload that passed <see cref="IsValid"/>; null when its body is malformed or an empty collection.</summary>
    public static object? Read(byte[] payload, Storage.EncodingLimits? limits = null)
    {
        try
        {
            var r = new RdbReader(new MemoryStream(payload, 0, payload.Length - 10)) { Limits = limits ?? Storage.EncodingLimits.Default };
            byte type = r.ReadByte();
            var value = RdbValueCodec.ReadValue(r, type);
            // The body must be consumed exactly; an empty collection is refused, as restoreCommand does.
            return r.Offset == payload.Length - 10 ? value : null;
        }
        catch (RdbFormatException)
        {
            return null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
