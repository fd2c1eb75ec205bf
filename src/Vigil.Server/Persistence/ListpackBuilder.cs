using System.Buffers.Binary;
using Vigil.Protocol;

namespace Vigil.Server.Persistence;

/// <summary>
/// Builds a listpack blob (listpack.c) entry by entry, encoding each as Redis does: a canonical
/// integer in the smallest integer encoding, any other string with a 6, 12 or 32-bit length,
/// every entry followed by its back-length. For writing RDB values in Redis 7.0's own encodings.
/// </summary>
public sealed class ListpackBuilder
{
    private const int HeaderSize = 6;
    private const byte Terminator = 0xFF;

    private byte[] _buffer = new byte[256];
    private int _length = HeaderSize;

    public int Count { get; private set; }

    /// <summary>Bytes of the finished blob: header, entries, terminator.</summary>
    public int Size => _length + 1;

    public void Add(ReadOnlySpan<byte> value)
    {
        EnsureRoom(value.Length + 16);
        int start = _length;
        if (value.Length <= 20 && RedisNumbers.TryParseInt64(value, out long n)) WriteInteger(n);
        else WriteString(value);
        WriteBackLength(_length - start);
        Count++;
    }

    /// <summary>The blob: total bytes and entry count (65535 meaning "count them") in front, the terminator last.</summary>
    public byte[] ToArray()
    {
        var blob = new byte[Size];
        _buffer.AsSpan(HeaderSize, _length - HeaderSize).CopyTo(blob.AsSpan(HeaderSize));
        BinaryPrimitives.WriteUInt32LittleEndian(blob, (uint)blob.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(blob.AsSpan(4), (ushort)Math.Min(Count, 65535));
        blob[^1] = Terminator;
        return blob;
    }

    public void Clear()
    {
        _length = HeaderSize;
        Count = 0;
    }

    private void WriteInteger(long v)
    {
        Span<byte> b = _buffer.AsSpan(_length);
        int n;
        if (v is >= 0 and <= 127)
        {
            b[0] = (byte)v;
            n = 1;
        }
        else if (v is >= -4096 and <= 4095)
        {
            long u = v < 0 ? (1 << 13) + v : v;
            b[0] = (byte)(0xC0 | (u >> 8));
            b[1] = (byte)u;
            n = 2;
        }
        else if (v is >= short.MinValue and <= short.MaxValue)
        {
            b[0] = 0xF1;
            BinaryPrimitives.WriteInt16LittleEndian(b[1..], (short)v);
            n = 3;
        }
        else if (v is >= -8388608 and <= 8388607)
        {
            b[0] = 0xF2;
            b[1] = (byte)v;
            b[2] = (byte)(v >> 8);
            b[3] = (byte)(v >> 16);
            n = 4;
        }
        else if (v is >= int.MinValue and <= int.MaxValue)
        {
            b[0] = 0xF3;
            BinaryPrimitives.WriteInt32LittleEndian(b[1..], (int)v);
            n = 5;
        }
        else
        {
            b[0] = 0xF4;
            BinaryPrimitives.WriteInt64LittleEndian(b[1..], v);
            n = 9;
        }
        _length += n;
    }

    private void WriteString(ReadOnlySpan<byte> value)
    {
        Span<byte> b = _buffer.AsSpan(_length);
        int header;
        if (value.Length < 64)
        {
            b[0] = (byte)(0x80 | value.Length);
            header = 1;
        }
        else if (value.Length < 4096)
        {
            b[0] = (byte)(0xE0 | (value.Length >> 8));
            b[1] = (byte)value.Length;
            header = 2;
        }
        else
        {
            b[0] = 0xF0;
            BinaryPrimitives.WriteUInt32LittleEndian(b[1..], (uint)value.Length);
            header = 5;
        }
        value.CopyTo(b[header..]);
        _length += header + value.Length;
    }

    /// <summary>lpEncodeBacklen: the entry's length, 7 bits a byte, readable from its end.</summary>
    private void WriteBackLength(int entryLength)
    {
        Span<byte> b = _buffer.AsSpan(_length);
        ulong l = (ulong)entryLength;
        int n = l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
        b[0] = (byte)(l >> (7 * (n - 1)));
        for (int i = 1; i < n; i++) b[i] = (byte)(((l >> (7 * (n - 1 - i))) & 127) | 128);
        _length += n;
    }

    private void EnsureRoom(int bytes)
    {
        if (_length + bytes <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes));
    }
}
