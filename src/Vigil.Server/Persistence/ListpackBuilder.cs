using System.Buffers.Binary;
using Vigil.Protocol;

namespace Vigil.Server.Persistence;

/// <summary>
/// Builds a listpack (listpack.c) as Redis 7.0 writes it into RDB files and DUMP payloads:
/// total-bytes(4) count(2) entries 0xFF, each entry its encoding, its data and a backlen. Strings
/// that are canonical integers take the integer encodings, as lpAppend does.
/// </summary>
public sealed class ListpackBuilder
{
    private const int HeaderSize = 6;
    private const ushort UnknownCount = 65535;

    private byte[] _buffer;
    private int _length = HeaderSize;
    private int _count;

    public ListpackBuilder(int capacity = 256)
    {
        _buffer = new byte[Math.Max(capacity, HeaderSize + 1)];
    }

    /// <summary>Entries added so far.</summary>
    public int Count => _count;

    /// <summary>Bytes the finished listpack takes (header, entries, terminator).</summary>
    public int Size => _length + 1;

    public void Add(ReadOnlySpan<byte> value)
    {
        if (value.Length <= 20 && RedisNumbers.TryParseInt64(value, out long integer))
        {
            Add(integer);
            return;
        }
        Span<byte> header = stackalloc byte[5];
        int headerLength;
        if (value.Length < 64)
        {
            header[0] = (byte)(0x80 | value.Length);
            headerLength = 1;
        }
        else if (value.Length < 4096)
        {
            header[0] = (byte)(0xE0 | (value.Length >> 8));
            header[1] = (byte)value.Length;
            headerLength = 2;
        }
        else
        {
            header[0] = 0xF0;
            BinaryPrimitives.WriteInt32LittleEndian(header[1..], value.Length);
            headerLength = 5;
        }
        int entryLength = headerLength + value.Length;
        Ensure(entryLength + 5);
        header[..headerLength].CopyTo(_buffer.AsSpan(_length));
        value.CopyTo(_buffer.AsSpan(_length + headerLength));
        _length += entryLength;
        AppendBacklen(entryLength);
    }

    public void Add(long value)
    {
        Ensure(9 + 1);
        var at = _buffer.AsSpan(_length);
        int entryLength;
        if (value is >= 0 and <= 127)
        {
            at[0] = (byte)value;
            entryLength = 1;
        }
        else if (value is >= -4096 and <= 4095)
        {
            int encoded = value < 0 ? (int)value + (1 << 13) : (int)value;
            at[0] = (byte)(0xC0 | (encoded >> 8));
            at[1] = (byte)encoded;
            entryLength = 2;
        }
        else if (value is >= short.MinValue and <= short.MaxValue)
        {
            at[0] = 0xF1;
            BinaryPrimitives.WriteInt16LittleEndian(at[1..], (short)value);
            entryLength = 3;
        }
        else if (value is >= -(1 << 23) and <= (1 << 23) - 1)
        {
            at[0] = 0xF2;
            at[1] = (byte)value;
            at[2] = (byte)(value >> 8);
            at[3] = (byte)(value >> 16);
            entryLength = 4;
        }
        else if (value is >= int.MinValue and <= int.MaxValue)
        {
            at[0] = 0xF3;
            BinaryPrimitives.WriteInt32LittleEndian(at[1..], (int)value);
            entryLength = 5;
        }
        else
        {
            at[0] = 0xF4;
            BinaryPrimitives.WriteInt64LittleEndian(at[1..], value);
            entryLength = 9;
        }
        _length += entryLength;
        AppendBacklen(entryLength);
    }

    /// <summary>The finished listpack (valid until the builder is used again).</summary>
    public ReadOnlySpan<byte> Finish()
    {
        Ensure(1);
        _buffer[_length] = 0xFF;
        int total = _length + 1;
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)total);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(4), _count < UnknownCount ? (ushort)_count : UnknownCount);
        return _buffer.AsSpan(0, total);
    }

    /// <summary>lpEncodeBacklen: the entry's length in 7-bit groups, read from the right.</summary>
    private void AppendBacklen(int entryLength)
    {
        uint l = (uint)entryLength;
        int size = l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
        Ensure(size);
        for (int i = 0; i < size; i++)
        {
            int shift = 7 * (size - 1 - i);
            byte b = (byte)((l >> shift) & 127);
            _buffer[_length + i] = i == 0 ? (byte)(l >> shift) : (byte)(b | 128);
        }
        _length += size;
        _count++;
    }

    private void Ensure(int extra)
    {
        if (_length + extra <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_length + extra, _buffer.Length * 2));
    }
}
