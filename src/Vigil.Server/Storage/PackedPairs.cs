namespace Vigil.Server.Storage;

/// <summary>
/// Field/value pairs in insertion order, packed into one buffer as length-prefixed byte strings
/// (a 7-bit varint length, then the bytes): the small form of a hash, Redis's listpack in spirit.
/// One object for the whole hash; lookups scan linearly, which is what a listpack does too and is
/// fast at the sizes where it is used. Positions are byte offsets, valid until the next change.
/// </summary>
internal sealed class PackedPairs
{
    private byte[] _buffer;
    private int _length;

    public PackedPairs(int capacity = 32)
    {
        _buffer = new byte[capacity];
    }

    private PackedPairs(byte[] buffer, int length, int count)
    {
        _buffer = buffer;
        _length = length;
        Count = count;
    }

    /// <summary>Number of pairs.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes in use; positions run from 0 to Length.</summary>
    public int Length => _length;

    /// <summary>Bytes held (for memory accounting).</summary>
    public int Capacity => _buffer.Length;

    /// <summary>The entry at <paramref name="position"/>; moves the position past it.</summary>
    public ReadOnlySpan<byte> Read(scoped ref int position)
    {
        int length = ReadLength(ref position);
        var entry = new ReadOnlySpan<byte>(_buffer, position, length);
        position += length;
        return entry;
    }

    /// <summary>The position of the pair whose field is <paramref name="field"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> field)
    {
        int position = 0;
        while (position < _length)
        {
            int pair = position;
            if (Read(ref position).SequenceEqual(field)) return pair;
            Skip(ref position);
        }
        return -1;
    }

    /// <summary>The value of the pair at <paramref name="pair"/>.</summary>
    public ReadOnlySpan<byte> ValueOf(int pair)
    {
        Skip(ref pair);
        return Read(ref pair);
    }

    /// <summary>The position of the pair after the one at <paramref name="pair"/>.</summary>
    public int Next(int pair)
    {
        Skip(ref pair);
        Skip(ref pair);
        return pair;
    }

    public void Add(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        Ensure(SizeOf(field.Length) + SizeOf(value.Length));
        Write(field);
        Write(value);
        Count++;
    }

    /// <summary>Replaces the value of the pair at <paramref name="pair"/>, keeping its place.</summary>
    public void SetValue(int pair, ReadOnlySpan<byte> value)
    {
        int start = pair;
        Skip(ref start);
        int end = start;
        Skip(ref end);
        int size = SizeOf(value.Length);
        Splice(start, end, size);
        int at = start;
        WriteLength(ref at, value.Length);
        value.CopyTo(_buffer.AsSpan(at));
    }

    public void RemoveAt(int pair)
    {
        Splice(pair, Next(pair), 0);
        Count--;
    }

    public PackedPairs Clone() => new((byte[])_buffer.Clone(), _length, Count);

    /// <summary>Replaces bytes [start, end) by <paramref name="size"/> bytes (left for the caller to fill).</summary>
    private void Splice(int start, int end, int size)
    {
        int delta = size - (end - start);
        if (delta > 0) Ensure(delta);
        if (delta != 0) Buffer.BlockCopy(_buffer, end, _buffer, end + delta, _length - end);
        _length += delta;
        // Give memory back when most of a large buffer went unused (HDEL of big values).
        if (_buffer.Length > 256 && _length < _buffer.Length / 4) Array.Resize(ref _buffer, Math.Max(_length * 2, 32));
    }

    private void Ensure(int extra)
    {
        int needed = _length + extra;
        if (needed <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
    }

    private void Write(ReadOnlySpan<byte> entry)
    {
        WriteLength(ref _length, entry.Length);
        entry.CopyTo(_buffer.AsSpan(_length));
        _length += entry.Length;
    }

    private void Skip(ref int position)
    {
        int length = ReadLength(ref position);
        position += length;
    }

    private int ReadLength(ref int position)
    {
        int value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = _buffer[position++];
            value |= (b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
    }

    private void WriteLength(ref int position, int value)
    {
        uint v = (uint)value;
        while (v >= 0x80)
        {
            _buffer[position++] = (byte)(v | 0x80);
            v >>= 7;
        }
        _buffer[position++] = (byte)v;
    }

    /// <summary>Bytes an entry of <paramref name="length"/> bytes takes, its length prefix included.</summary>
    private static int SizeOf(int length) =>
        length + (length < 1 << 7 ? 1 : length < 1 << 14 ? 2 : length < 1 << 21 ? 3 : length < 1 << 28 ? 4 : 5);
}
