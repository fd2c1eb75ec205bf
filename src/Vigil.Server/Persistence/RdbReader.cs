using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Vigil.Server.Persistence;

/// <summary>
/// Reads RDB primitives from a stream, keeping the offset (for error messages) and a running
/// CRC-64 of everything read. Every length is checked against limits before anything is allocated,
/// so a corrupt file gives an <see cref="RdbFormatException"/>, not an out-of-memory.
/// </summary>
public sealed class RdbReader
{
    private readonly Stream _input;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private long _offsetOfBuffer;
    private ulong _crc;
    private int _crcFrom;

    public RdbReader(Stream input, long maxStringLength = 512L * 1024 * 1024 * 4)
    {
        _input = input;
        MaxStringLength = maxStringLength;
        _inputLength = input.CanSeek ? input.Length - input.Position : long.MaxValue;
    }

    /// <summary>Bytes the input holds (files: known), so that corrupt lengths fail before anything is allocated.</summary>
    private readonly long _inputLength;

    /// <summary>Fails like a short read when <paramref name="bytes"/> more cannot be in the input.</summary>
    private void EnsureAvailable(long bytes)
    {
        if (bytes > _inputLength - Offset) throw Error("Unexpected EOF reading RDB file");
    }

    /// <summary>The longest string accepted (a guard against corrupt lengths).</summary>
    public long MaxStringLength { get; }

    /// <summary>The encoding thresholds loaded collections follow (set from the server's config).</summary>
    public Storage.EncodingLimits Limits { get; init; } = Storage.EncodingLimits.Default;

    public long Offset => _offsetOfBuffer + _start;

    public RdbFormatException Error(string message) => new(Offset, message);

    /// <summary>Reads "REDISnnnn"; returns the version.</summary>
    public int ReadHeader()
    {
        Span<byte> magic = stackalloc byte[9];
        ReadExactly(magic);
        if (!magic[..5].SequenceEqual("REDIS"u8)) throw new RdbFormatException(0, "Wrong signature trying to load DB from file");
        if (!int.TryParse(Encoding.ASCII.GetString(magic[5..]), NumberStyles.None, CultureInfo.InvariantCulture, out int version) ||
            version < 1 || version > RdbFormat.Version)
        {
            throw new RdbFormatException(5, $"Can't handle RDB format version {Encoding.ASCII.GetString(magic[5..])}");
        }
        return version;
    }

    public byte ReadByte()
    {
        if (_start == _end) Fill(1);
        return _buffer[_start++];
    }

    public void ReadExactly(Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            if (_start == _end) Fill(1);
            int n = Math.Min(destination.Length, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(destination);
            _start += n;
            destination = destination[n..];
        }
    }

    /// <summary>A length, or (when <paramref name="encoded"/>) the special encoding number.</summary>
    public ulong ReadLength(out bool encoded)
    {
        encoded = false;
        byte first = ReadByte();
        int kind = first >> 6;
        switch (kind)
        {
            case RdbFormat.Len6Bit:
                return (ulong)(first & 0x3f);
            case RdbFormat.Len14Bit:
                return (ulong)(((first & 0x3f) << 8) | ReadByte());
            case RdbFormat.EncodedValue:
                encoded = true;
                return (ulong)(first & 0x3f);
        }
        Span<byte> b = stackalloc byte[8];
        if (first == RdbFormat.Len32Bit)
        {
            ReadExactly(b[..4]);
            return BinaryPrimitives.ReadUInt32BigEndian(b);
        }
        if (first == RdbFormat.Len64Bit)
        {
            ReadExactly(b);
            return BinaryPrimitives.ReadUInt64BigEndian(b);
        }
        throw Error($"Unknown length encoding {first} in rdbLoadLen()");
    }

    public long ReadLength()
    {
        ulong n = ReadLength(out bool encoded);
        if (encoded) throw Error("Unexpected encoded length");
        if (n > long.MaxValue) throw Error("Length out of range");
        return (long)n;
    }

    /// <summary>A count of elements, checked against what a sane file could hold.</summary>
    public int ReadCount()
    {
        long n = ReadLength();
        if (n > int.MaxValue) throw Error($"Element count {n} out of range");
        // Every element takes at least one byte.
        EnsureAvailable(n);
        return (int)n;
    }

    public byte[] ReadString()
    {
        ulong n = ReadLength(out bool encoded);
        if (encoded)
        {
            Span<byte> b = stackalloc byte[4];
            switch ((int)n)
            {
                case RdbFormat.EncodingInt8:
                    return Ascii((sbyte)ReadByte());
                case RdbFormat.EncodingInt16:
                    ReadExactly(b[..2]);
                    return Ascii(BinaryPrimitives.ReadInt16LittleEndian(b));
                case RdbFormat.EncodingInt32:
                    ReadExactly(b);
                    return Ascii(BinaryPrimitives.ReadInt32LittleEndian(b));
                case RdbFormat.EncodingLzf:
                    return ReadCompressed();
                default:
                    throw Error($"Unknown RDB string encoding type {n}");
            }
        }
        if (n > (ulong)MaxStringLength) throw Error($"String length {n} out of range");
        EnsureAvailable((long)n);
        var value = GC.AllocateUninitializedArray<byte>((int)n);
        ReadExactly(value);
        return value;
    }

    private byte[] ReadCompressed()
    {
        long compressedLength = ReadLength();
        long length = ReadLength();
        if (compressedLength > MaxStringLength || length > MaxStringLength) throw Error("LZF lengths out of range");
        EnsureAvailable(compressedLength);
        // LZF expands at most about 88 times (264 bytes from a 3-byte back reference).
        if (length > compressedLength * 90 + 64) throw Error("Invalid LZF compressed string");
        var compressed = new byte[compressedLength];
        ReadExactly(compressed);
        var value = GC.AllocateUninitializedArray<byte>((int)length);
        if (!Lzf.TryDecompress(compressed, value)) throw Error("Invalid LZF compressed string");
        return value;
    }

    private static byte[] Ascii(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>The old text double of RDB_TYPE_ZSET: a length byte, or 253 nan, 254 +inf, 255 -inf.</summary>
    public double ReadTextDouble()
    {
        byte length = ReadByte();
        switch (length)
        {
            case 253: return double.NaN;
            case 254: return double.PositiveInfinity;
            case 255: return double.NegativeInfinity;
        }
        Span<byte> text = stackalloc byte[length];
        ReadExactly(text);
        if (!double.TryParse(Encoding.ASCII.GetString(text), NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw Error("Invalid double value");
        return value;
    }

    public double ReadBinaryDouble()
    {
        Span<byte> b = stackalloc byte[8];
        ReadExactly(b);
        return BinaryPrimitives.ReadDoubleLittleEndian(b);
    }

    public long ReadInt64LittleEndian()
    {
        Span<byte> b = stackalloc byte[8];
        ReadExactly(b);
        return BinaryPrimitives.ReadInt64LittleEndian(b);
    }

    public int ReadInt32LittleEndian()
    {
        Span<byte> b = stackalloc byte[4];
        ReadExactly(b);
        return BinaryPrimitives.ReadInt32LittleEndian(b);
    }

    /// <summary>The CRC-64 of every byte read so far.</summary>
    public ulong Checksum
    {
        get
        {
            UpdateCrc();
            return _crc;
        }
    }

    private void UpdateCrc()
    {
        _crc = Crc64.Update(_crc, _buffer.AsSpan(_crcFrom, _start - _crcFrom));
        _crcFrom = _start;
    }

    private void Fill(int minimum)
    {
        UpdateCrc();
        int remaining = _end - _start;
        if (remaining > 0) Buffer.BlockCopy(_buffer, _start, _buffer, 0, remaining);
        _offsetOfBuffer += _start;
        _start = 0;
        _crcFrom = 0;
        _end = remaining;
        while (_end < minimum)
        {
            int n = _input.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0) throw Error("Unexpected EOF reading RDB file");
            _end += n;
        }
    }
}
