using System.Buffers.Binary;
using System.Text;
using Vigil.Protocol;

namespace Vigil.Server.Persistence;

/// <summary>
/// Writes RDB primitives to a stream with a running CRC-64: lengths, strings (integer-encoded when
/// they are canonical integers, LZF-compressed when that saves space), binary doubles, opcodes.
/// </summary>
public sealed class RdbWriter
{
    private readonly Stream _output;
    private readonly bool _compress;
    private readonly bool _checksum;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _length;
    private ulong _crc;
    private byte[] _compressed = [];

    public RdbWriter(Stream output, bool compress = true, bool checksum = true)
    {
        _output = output;
        _compress = compress;
        _checksum = checksum;
    }

    private long _flushed;

    /// <summary>Bytes written so far.</summary>
    public long Position => _flushed + _length;

    public void WriteHeader(int version = RdbFormat.Version) => WriteRaw(Encoding.ASCII.GetBytes($"REDIS{version:D4}"));

    public void WriteAux(string key, string value)
    {
        WriteByte(RdbFormat.OpAux);
        WriteString(Encoding.UTF8.GetBytes(key));
        WriteString(Encoding.UTF8.GetBytes(value));
    }

    public void WriteAux(string key, long value)
    {
        WriteByte(RdbFormat.OpAux);
        WriteString(Encoding.UTF8.GetBytes(key));
        WriteString(Encoding.ASCII.GetBytes(value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    public void WriteSelectDb(int db)
    {
        WriteByte(RdbFormat.OpSelectDb);
        WriteLength((ulong)db);
    }

    public void WriteResizeDb(long keys, long expires)
    {
        WriteByte(RdbFormat.OpResizeDb);
        WriteLength((ulong)keys);
        WriteLength((ulong)expires);
    }

    public void WriteExpireMs(long unixMs)
    {
        WriteByte(RdbFormat.OpExpireTimeMs);
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, unixMs);
        WriteRaw(b);
    }

    public void WriteByte(byte value)
    {
        if (_length == _buffer.Length) Flush();
        _buffer[_length++] = value;
    }

    public void WriteLength(ulong length)
    {
        Span<byte> b = stackalloc byte[9];
        if (length < (1 << 6))
        {
            WriteByte((byte)length);
        }
        else if (length < (1 << 14))
        {
            b[0] = (byte)((RdbFormat.Len14Bit << 6) | (int)(length >> 8));
            b[1] = (byte)length;
            WriteRaw(b[..2]);
        }
        else if (length <= uint.MaxValue)
        {
            b[0] = RdbFormat.Len32Bit;
            BinaryPrimitives.WriteUInt32BigEndian(b[1..], (uint)length);
            WriteRaw(b[..5]);
        }
        else
        {
            b[0] = RdbFormat.Len64Bit;
            BinaryPrimitives.WriteUInt64BigEndian(b[1..], length);
            WriteRaw(b[..9]);
        }
    }

    /// <summary>A string, as rdbSaveRawString does: integer encoding, then LZF, then raw.</summary>
    public void WriteString(ReadOnlySpan<byte> value)
    {
        if (value.Length <= 11 && RedisNumbers.TryParseInt64(value, out long n) && TryWriteEncodedInteger(n)) return;
        if (_compress && value.Length > 20 && TryWriteCompressed(value)) return;
        WriteLength((ulong)value.Length);
        WriteRaw(value);
    }

    /// <summary>An integer written as a string (e.g. list elements from a listpack integer).</summary>
    public void WriteStringFromInteger(long value)
    {
        if (TryWriteEncodedInteger(value)) return;
        Span<byte> digits = stackalloc byte[20];
        int count = RedisNumbers.FormatInt64(value, digits);
        WriteLength((ulong)count);
        WriteRaw(digits[..count]);
    }

    private bool TryWriteEncodedInteger(long value)
    {
        Span<byte> b = stackalloc byte[5];
        int count;
        if (value is >= sbyte.MinValue and <= sbyte.MaxValue)
        {
            b[0] = (RdbFormat.EncodedValue << 6) | RdbFormat.EncodingInt8;
            b[1] = (byte)(sbyte)value;
            count = 2;
        }
        else if (value is >= short.MinValue and <= short.MaxValue)
        {
            b[0] = (RdbFormat.EncodedValue << 6) | RdbFormat.EncodingInt16;
            BinaryPrimitives.WriteInt16LittleEndian(b[1..], (short)value);
            count = 3;
        }
        else if (value is >= int.MinValue and <= int.MaxValue)
        {
            b[0] = (RdbFormat.EncodedValue << 6) | RdbFormat.EncodingInt32;
            BinaryPrimitives.WriteInt32LittleEndian(b[1..], (int)value);
            count = 5;
        }
        else return false;
        WriteRaw(b[..count]);
        return true;
    }

    private bool TryWriteCompressed(ReadOnlySpan<byte> value)
    {
        // Like Redis: only worth it when at least 4 bytes are saved.
        if (_compressed.Length < value.Length) _compressed = new byte[Math.Max(value.Length, 1024)];
        int compressedLength = Lzf.Compress(value, _compressed.AsSpan(0, value.Length - 4));
        if (compressedLength == 0) return false;
        WriteByte((RdbFormat.EncodedValue << 6) | RdbFormat.EncodingLzf);
        WriteLength((ulong)compressedLength);
        WriteLength((ulong)value.Length);
        WriteRaw(_compressed.AsSpan(0, compressedLength));
        return true;
    }

    public void WriteBinaryDouble(double value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(b, value);
        WriteRaw(b);
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            if (_length == _buffer.Length) Flush();
            int n = Math.Min(bytes.Length, _buffer.Length - _length);
            bytes[..n].CopyTo(_buffer.AsSpan(_length));
            _length += n;
            bytes = bytes[n..];
        }
    }

    /// <summary>The EOF opcode and the checksum (0 when rdbchecksum is off), then a flush.</summary>
    public void WriteEnd()
    {
        WriteByte(RdbFormat.OpEof);
        Flush();
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, _checksum ? _crc : 0);
        _output.Write(b);
        _flushed += 8;
        _output.Flush();
    }

    public void Flush()
    {
        if (_length == 0) return;
        if (_checksum) _crc = Crc64.Update(_crc, _buffer.AsSpan(0, _length));
        _output.Write(_buffer, 0, _length);
        _flushed += _length;
        _length = 0;
    }
}
