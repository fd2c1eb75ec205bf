using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Vigil.Protocol;

/// <summary>
/// A growable reply buffer that writes RESP2 or RESP3. Replies that differ between versions
/// (null, maps, sets, doubles, booleans, push messages, verbatim strings) are written in the form
/// of the connection's negotiated version, the way Redis's addReply* functions do.
/// </summary>
public sealed class RespWriter : IBufferWriter<byte>, IDisposable
{
    private const int InitialSize = 4096;
    private byte[] _buffer;
    private int _length;

    public RespWriter(int initialSize = InitialSize)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(initialSize);
    }

    public RespVersion Version { get; set; } = RespVersion.Resp2;

    public int Length => _length;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>Bytes held by the buffer (for output-buffer accounting).</summary>
    public int Capacity => _buffer.Length;

    public void Reset()
    {
        _length = 0;
        // A burst (a huge reply) should not pin its buffer for the life of the connection.
        if (_buffer.Length > 1024 * 1024)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
        }
    }

    /// <summary>Cuts the buffer back to <paramref name="length"/> bytes (to undo a partial reply).</summary>
    public void Truncate(int length) => _length = Math.Min(_length, length);

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }

    public void Advance(int count) => _length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 1));
        return _buffer.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 1));
        return _buffer.AsSpan(_length);
    }

    private void Ensure(int extra)
    {
        if (_length + extra <= _buffer.Length) return;
        Grow(extra);
    }

    private void Grow(int extra)
    {
        long wanted = Math.Max((long)_buffer.Length * 2, (long)_length + extra);
        int size = (int)Math.Min(wanted, Array.MaxLength);
        if (size < _length + extra) throw new OutOfMemoryException("reply larger than 2 GB");
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void WriteOk() => WriteRaw("+OK\r\n"u8);

    public void WriteSimpleString(ReadOnlySpan<byte> text)
    {
        Ensure(text.Length + 3);
        _buffer[_length++] = (byte)'+';
        WriteRaw(text);
        WriteCrlf();
    }

    public void WriteSimpleString(string text) => WriteLine((byte)'+', text);

    /// <summary>
    /// An error reply. <paramref name="message"/> starts with its code ("ERR ...", "WRONGTYPE ...");
    /// a message without a code gets "ERR ". Line breaks become spaces, as in addReplyErrorLength.
    /// </summary>
    public void WriteError(string message)
    {
        if (message.Length > 0 && message[0] == '-') message = message[1..];
        WriteLine((byte)'-', message);
    }

    private void WriteLine(byte prefix, string text)
    {
        // Latin-1 maps chars 0-255 to the same bytes, so text made from binary arguments
        // (decoded the same way) comes back byte for byte, as Redis echoes them.
        Ensure(text.Length + 3);
        _buffer[_length++] = prefix;
        int start = _length;
        _length += Encoding.Latin1.GetBytes(text, _buffer.AsSpan(_length));
        for (int i = start; i < _length; i++)
        {
            if (_buffer[i] is (byte)'\r' or (byte)'\n') _buffer[i] = (byte)' ';
        }
        WriteCrlf();
    }

    public void WriteInteger(long value)
    {
        if ((ulong)value < (ulong)SmallIntegers.Length)
        {
            WriteRaw(SmallIntegers[value]);
            return;
        }
        WritePrefixedNumber((byte)':', value);
    }

    public void WriteBulkString(ReadOnlySpan<byte> value)
    {
        WritePrefixedNumber((byte)'$', value.Length);
        Ensure(value.Length + 2);
        value.CopyTo(_buffer.AsSpan(_length));
        _length += value.Length;
        WriteCrlf();
    }

    public void WriteBulkString(string value)
    {
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        Ensure(max + 16);
        WriteBulkString(Encoding.UTF8.GetBytes(value));
    }

    /// <summary>A bulk string holding the decimal form of <paramref name="value"/>.</summary>
    public void WriteBulkString(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        int n = RedisNumbers.FormatInt64(value, digits);
        WriteBulkString(digits[..n]);
    }

    /// <summary>The null bulk string: <c>$-1</c> in RESP2, <c>_</c> in RESP3.</summary>
    public void WriteNull() => WriteRaw(Version == RespVersion.Resp3 ? "_\r\n"u8 : "$-1\r\n"u8);

    /// <summary>The null array: <c>*-1</c> in RESP2, <c>_</c> in RESP3.</summary>
    public void WriteNullArray() => WriteRaw(Version == RespVersion.Resp3 ? "_\r\n"u8 : "*-1\r\n"u8);

    public void WriteArrayHeader(int count) => WritePrefixedNumber((byte)'*', count);

    /// <summary>A map of <paramref name="pairs"/> entries: <c>%n</c> in RESP3, a flat array of 2n in RESP2.</summary>
    public void WriteMapHeader(int pairs)
    {
        if (Version == RespVersion.Resp3) WritePrefixedNumber((byte)'%', pairs);
        else WritePrefixedNumber((byte)'*', pairs * 2L);
    }

    public void WriteSetHeader(int count) => WritePrefixedNumber(Version == RespVersion.Resp3 ? (byte)'~' : (byte)'*', count);

    /// <summary>An out-of-band message (pub/sub, invalidation): <c>&gt;n</c> in RESP3, an array in RESP2.</summary>
    public void WritePushHeader(int count) => WritePrefixedNumber(Version == RespVersion.Resp3 ? (byte)'>' : (byte)'*', count);

    /// <summary>
    /// A reply tree as <see cref="RespReader"/> parses it (maps as flat key, value items), written in
    /// this writer's protocol: maps and sets become arrays in RESP2. For replies kept as data, not hot paths.
    /// </summary>
    public void WriteValue(RespValue value)
    {
        switch (value.Type)
        {
            case RespType.SimpleString: WriteSimpleString(value.Bytes); break;
            case RespType.Error: WriteError(Encoding.Latin1.GetString(value.Bytes!)); break;
            case RespType.Integer: WriteInteger(value.Integer); break;
            case RespType.BulkString when value.IsNull: WriteNull(); break;
            case RespType.BulkString: WriteBulkString(value.Bytes); break;
            case RespType.Null: WriteNull(); break;
            case RespType.Array when value.IsNull: WriteNullArray(); break;
            case RespType.Array: WriteItems(value, (byte)'*', value.Items!.Length); break;
            case RespType.Set: WriteItems(value, Version == RespVersion.Resp3 ? (byte)'~' : (byte)'*', value.Items!.Length); break;
            case RespType.Map when Version == RespVersion.Resp3: WriteItems(value, (byte)'%', value.Items!.Length / 2); break;
            case RespType.Map: WriteItems(value, (byte)'*', value.Items!.Length); break;
            default: throw new NotSupportedException($"writing a {value.Type} reply from a tree");
        }
    }

    private void WriteItems(RespValue aggregate, byte prefix, int count)
    {
        WritePrefixedNumber(prefix, count);
        foreach (var item in aggregate.Items!) WriteValue(item);
    }

    /// <summary>A double: <c>,1.5</c> in RESP3, a bulk string in RESP2, both in "%.17g".</summary>
    public void WriteDouble(double value)
    {
        Span<byte> text = stackalloc byte[RedisNumbers.MaxDoubleChars];
        int n = RedisNumbers.FormatDouble(value, text);
        if (Version == RespVersion.Resp3)
        {
            Ensure(n + 3);
            _buffer[_length++] = (byte)',';
            WriteRaw(text[..n]);
            WriteCrlf();
        }
        else WriteBulkString(text[..n]);
    }

    public void WriteBoolean(bool value)
    {
        if (Version == RespVersion.Resp3) WriteRaw(value ? "#t\r\n"u8 : "#f\r\n"u8);
        else WriteInteger(value ? 1 : 0);
    }

    /// <summary>A verbatim string (<c>=len\r\ntxt:...</c>) in RESP3, a bulk string in RESP2.</summary>
    public void WriteVerbatim(string text, string format = "txt")
    {
        if (Version != RespVersion.Resp3)
        {
            WriteBulkString(text);
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(text);
        WritePrefixedNumber((byte)'=', bytes.Length + 4);
        WriteRaw(Encoding.ASCII.GetBytes(format));
        WriteRaw(":"u8);
        WriteRaw(bytes);
        WriteCrlf();
    }

    /// <summary>
    /// Starts an aggregate whose length is not known yet (Redis's addReplyDeferredLen). Write the
    /// elements, then call <see cref="EndDeferredArray"/> or <see cref="EndDeferredMap"/> with the mark.
    /// </summary>
    public int BeginDeferred() => _length;

    public void EndDeferredArray(int mark, int count) => InsertHeader(mark, (byte)'*', count);

    public void EndDeferredSet(int mark, int count) => InsertHeader(mark, Version == RespVersion.Resp3 ? (byte)'~' : (byte)'*', count);

    public void EndDeferredMap(int mark, int pairs)
    {
        if (Version == RespVersion.Resp3) InsertHeader(mark, (byte)'%', pairs);
        else InsertHeader(mark, (byte)'*', pairs * 2L);
    }

    private void InsertHeader(int mark, byte prefix, long count)
    {
        Span<byte> header = stackalloc byte[24];
        header[0] = prefix;
        Utf8Formatter.TryFormat(count, header[1..], out int n);
        header[n + 1] = (byte)'\r';
        header[n + 2] = (byte)'\n';
        int headerLength = n + 3;
        Ensure(headerLength);
        _buffer.AsSpan(mark, _length - mark).CopyTo(_buffer.AsSpan(mark + headerLength));
        header[..headerLength].CopyTo(_buffer.AsSpan(mark));
        _length += headerLength;
    }

    private void WritePrefixedNumber(byte prefix, long value)
    {
        Ensure(24);
        var span = _buffer.AsSpan(_length);
        span[0] = prefix;
        Utf8Formatter.TryFormat(value, span[1..], out int n);
        span[n + 1] = (byte)'\r';
        span[n + 2] = (byte)'\n';
        _length += n + 3;
    }

    private void WriteCrlf()
    {
        Ensure(2);
        _buffer[_length++] = (byte)'\r';
        _buffer[_length++] = (byte)'\n';
    }

    private static readonly byte[][] SmallIntegers = BuildSmallIntegers(64);

    private static byte[][] BuildSmallIntegers(int count)
    {
        var table = new byte[count][];
        for (int i = 0; i < count; i++) table[i] = Encoding.ASCII.GetBytes($":{i}\r\n");
        return table;
    }
}
