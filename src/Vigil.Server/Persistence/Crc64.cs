namespace Vigil.Server.Persistence;

/// <summary>
/// Redis's CRC-64 (crc64.c: Jones polynomial 0xad93d23594c935a9, reflected, init 0), the checksum
/// at the end of RDB files and DUMP payloads. crc64("123456789") = 0xe9c6d914c4b8d9ca.
/// </summary>
public static class Crc64
{
    private const ulong ReflectedPolynomial = 0x95ac9329ac4bc9b5UL;
    private static readonly ulong[][] Tables = BuildTables();

    public static ulong Update(ulong crc, ReadOnlySpan<byte> data)
    {
        var t = Tables;
        // Slicing by 8: one table lookup per byte, 8 bytes per step.
        while (data.Length >= 8)
        {
            crc ^= System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(data);
            crc = t[7][crc & 0xff] ^ t[6][(crc >> 8) & 0xff] ^ t[5][(crc >> 16) & 0xff] ^ t[4][(crc >> 24) & 0xff] ^
                  t[3][(crc >> 32) & 0xff] ^ t[2][(crc >> 40) & 0xff] ^ t[1][(crc >> 48) & 0xff] ^ t[0][crc >> 56];
            data = data[8..];
        }
        foreach (byte b in data) crc = t[0][(crc ^ b) & 0xff] ^ (crc >> 8);
        return crc;
    }

    private static ulong[][] BuildTables()
    {
        var tables = new ulong[8][];
        for (int k = 0; k < 8; k++) tables[k] = new ulong[256];
        for (int i = 0; i < 256; i++)
        {
            ulong crc = (ulong)i;
            for (int bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ ReflectedPolynomial : crc >> 1;
            tables[0][i] = crc;
        }
        for (int i = 0; i < 256; i++)
        {
            for (int k = 1; k < 8; k++) tables[k][i] = tables[0][tables[k - 1][i] & 0xff] ^ (tables[k - 1][i] >> 8);
        }
        return tables;
    }
}
