using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Vigil.Server.Persistence;

/// <summary>
/// Decoders for the compact blobs Redis stores inside RDB strings: listpack (7.0), ziplist
/// (before 7.0), intset and zipmap. Integers come back as their decimal text, as Redis returns them.
/// Every read is bounds-checked: a corrupt blob throws <see cref="InvalidDataException"/>.
/// </summary>
public static class PackedEncodings
{
    /// <summary>listpack.c: total-bytes(4) count(2) entries... 0xFF; each entry is encoding+data+backlen.</summary>
    public static List<byte[]> DecodeListpack(ReadOnlySpan<byte> lp)
    {
        if (lp.Length < 7) throw new InvalidDataException("listpack too short");
        uint total = BinaryPrimitives.ReadUInt32LittleEndian(lp);
        if (total != lp.Length) throw new InvalidDataException("listpack length mismatch");
        int declared = BinaryPrimitives.ReadUInt16LittleEndian(lp[4..]);
        var items = new List<byte[]>(declared == 65535 ? 16 : declared);
        int p = 6;
        while (true)
        {
            if (p >= lp.Length) throw new InvalidDataException("listpack without terminator");
            byte b = lp[p];
            if (b == 0xFF) break;
            int entryStart = p;
            if ((b & 0x80) == 0)
            {
                items.Add(Ascii(b & 0x7F));
                p += 1;
            }
            else if ((b & 0xC0) == 0x80)
            {
                int len = b & 0x3F;
                items.Add(Slice(lp, p + 1, len));
                p += 1 + len;
            }
            else if ((b & 0xE0) == 0xC0)
            {
                Need(lp, p, 2);
                int v = ((b & 0x1F) << 8) | lp[p + 1];
                if (v >= 1 << 12) v -= 1 << 13;
                items.Add(Ascii(v));
                p += 2;
            }
            else if ((b & 0xF0) == 0xE0)
            {
                Need(lp, p, 2);
                int len = ((b & 0x0F) << 8) | lp[p + 1];
                items.Add(Slice(lp, p + 2, len));
                p += 2 + len;
            }
            else
            {
                switch (b)
                {
                    case 0xF0:
                    {
                        Need(lp, p, 5);
                        int len = (int)BinaryPrimitives.ReadUInt32LittleEndian(lp[(p + 1)..]);
                        items.Add(Slice(lp, p + 5, len));
                        p += 5 + len;
                        break;
                    }
                    case 0xF1:
                        Need(lp, p, 3);
                        items.Add(Ascii(BinaryPrimitives.ReadInt16LittleEndian(lp[(p + 1)..])));
                        p += 3;
                        break;
                    case 0xF2:
                    {
                        Need(lp, p, 4);
                        int v = lp[p + 1] | (lp[p + 2] << 8) | (lp[p + 3] << 16);
                        if ((v & 0x800000) != 0) v |= unchecked((int)0xFF000000);
                        items.Add(Ascii(v));
                        p += 4;
                        break;
                    }
                    case 0xF3:
                        Need(lp, p, 5);
                        items.Add(Ascii(BinaryPrimitives.ReadInt32LittleEndian(lp[(p + 1)..])));
                        p += 5;
                        break;
                    case 0xF4:
                        Need(lp, p, 9);
                        items.Add(Ascii(BinaryPrimitives.ReadInt64LittleEndian(lp[(p + 1)..])));
                        p += 9;
                        break;
                    default:
                        throw new InvalidDataException($"invalid listpack encoding 0x{b:x2}");
                }
            }
            // Skip the backlen: 1 to 5 bytes covering the entry's encoding and data.
            int entryLength = p - entryStart;
            p += entryLength <= 127 ? 1 : entryLength < 16383 ? 2 : entryLength < 2097151 ? 3 : entryLength < 268435455 ? 4 : 5;
        }
        if (p != lp.Length - 1) throw new InvalidDataException("listpack terminator before its end");
        if (declared != 65535 && declared != items.Count) throw new InvalidDataException("listpack count mismatch");
        return items;
    }

    /// <summary>ziplist.c: zlbytes(4) zltail(4) zllen(2), entries of prevlen+encoding+data, 0xFF.</summary>
    public static List<byte[]> DecodeZiplist(ReadOnlySpan<byte> zl)
    {
        if (zl.Length < 11) throw new InvalidDataException("ziplist too short");
        if (BinaryPrimitives.ReadUInt32LittleEndian(zl) != zl.Length) throw new InvalidDataException("ziplist length mismatch");
        int declared = BinaryPrimitives.ReadUInt16LittleEndian(zl[8..]);
        var items = new List<byte[]>(declared == 65535 ? 16 : declared);
        int p = 10;
        while (true)
        {
            if (p >= zl.Length) throw new InvalidDataException("ziplist without terminator");
            if (zl[p] == 0xFF) break;
            p += zl[p] < 254 ? 1 : 5;
            Need(zl, p, 1);
            byte enc = zl[p];
            switch (enc >> 6)
            {
                case 0:
                {
                    int len = enc & 0x3F;
                    items.Add(Slice(zl, p + 1, len));
                    p += 1 + len;
                    continue;
                }
                case 1:
                {
                    Need(zl, p, 2);
                    int len = ((enc & 0x3F) << 8) | zl[p + 1];
                    items.Add(Slice(zl, p + 2, len));
                    p += 2 + len;
                    continue;
                }
                case 2:
                {
                    Need(zl, p, 5);
                    int len = (int)BinaryPrimitives.ReadUInt32BigEndian(zl[(p + 1)..]);
                    items.Add(Slice(zl, p + 5, len));
                    p += 5 + len;
                    continue;
                }
            }
            switch (enc)
            {
                case 0xC0:
                    Need(zl, p, 3);
                    items.Add(Ascii(BinaryPrimitives.ReadInt16LittleEndian(zl[(p + 1)..])));
                    p += 3;
                    break;
                case 0xD0:
                    Need(zl, p, 5);
                    items.Add(Ascii(BinaryPrimitives.ReadInt32LittleEndian(zl[(p + 1)..])));
                    p += 5;
                    break;
                case 0xE0:
                    Need(zl, p, 9);
                    items.Add(Ascii(BinaryPrimitives.ReadInt64LittleEndian(zl[(p + 1)..])));
                    p += 9;
                    break;
                case 0xF0:
                {
                    Need(zl, p, 4);
                    int v = zl[p + 1] | (zl[p + 2] << 8) | (zl[p + 3] << 16);
                    if ((v & 0x800000) != 0) v |= unchecked((int)0xFF000000);
                    items.Add(Ascii(v));
                    p += 4;
                    break;
                }
                case 0xFE:
                    Need(zl, p, 2);
                    items.Add(Ascii((sbyte)zl[p + 1]));
                    p += 2;
                    break;
                default:
                    if (enc is >= 0xF1 and <= 0xFD)
                    {
                        items.Add(Ascii((enc & 0x0F) - 1));
                        p += 1;
                        break;
                    }
                    throw new InvalidDataException($"invalid ziplist encoding 0x{enc:x2}");
            }
        }
        if (declared != 65535 && declared != items.Count) throw new InvalidDataException("ziplist count mismatch");
        return items;
    }

    /// <summary>intset.c: encoding(4: 2, 4 or 8) length(4), then sorted little-endian integers.</summary>
    public static List<byte[]> DecodeIntset(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < 8) throw new InvalidDataException("intset too short");
        uint width = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(blob[4..]);
        if (width is not (2 or 4 or 8) || 8 + (long)width * count != blob.Length) throw new InvalidDataException("intset header invalid");
        var items = new List<byte[]>((int)count);
        for (int i = 0; i < count; i++)
        {
            var at = blob[(8 + i * (int)width)..];
            long v = width switch
            {
                2 => BinaryPrimitives.ReadInt16LittleEndian(at),
                4 => BinaryPrimitives.ReadInt32LittleEndian(at),
                _ => BinaryPrimitives.ReadInt64LittleEndian(at),
            };
            items.Add(Ascii(v));
        }
        return items;
    }

    /// <summary>zipmap.c (hashes before Redis 2.6): zmlen(1), then len key len free value..., 0xFF.</summary>
    public static List<byte[]> DecodeZipmap(ReadOnlySpan<byte> zm)
    {
        var items = new List<byte[]>();
        int p = 1;
        while (true)
        {
            Need(zm, p, 1);
            if (zm[p] == 0xFF) break;
            int keyLength = ZipmapLength(zm, ref p);
            items.Add(Slice(zm, p, keyLength));
            p += keyLength;
            int valueLength = ZipmapLength(zm, ref p);
            Need(zm, p, 1);
            int free = zm[p++];
            items.Add(Slice(zm, p, valueLength));
            p += valueLength + free;
        }
        return items;
    }

    private static int ZipmapLength(ReadOnlySpan<byte> zm, ref int p)
    {
        Need(zm, p, 1);
        if (zm[p] < 254) return zm[p++];
        if (zm[p] != 254) throw new InvalidDataException("invalid zipmap length");
        Need(zm, p, 5);
        int len = (int)BinaryPrimitives.ReadUInt32LittleEndian(zm[(p + 1)..]);
        p += 5;
        return len;
    }

    private static void Need(ReadOnlySpan<byte> blob, int at, int count)
    {
        if (at < 0 || count < 0 || at + (long)count > blob.Length) throw new InvalidDataException("entry runs past the end of its blob");
    }

    private static byte[] Slice(ReadOnlySpan<byte> blob, int at, int length)
    {
        Need(blob, at, length);
        return blob.Slice(at, length).ToArray();
    }

    private static byte[] Ascii(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));
}
