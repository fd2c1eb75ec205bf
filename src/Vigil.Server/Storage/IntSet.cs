using System.Buffers.Binary;

namespace Vigil.Server.Storage;

/// <summary>
/// A sorted set of 64-bit integers in Redis's intset layout (intset.c), kept in one buffer exactly
/// as RDB stores it: encoding (2, 4 or 8: bytes per value) and length as 32-bit little-endian, then
/// the values ascending, little-endian, all of the encoding's width. The width grows to fit the
/// widest value and never shrinks, as in Redis. <see cref="Blob"/> is the RDB form as is.
/// </summary>
internal sealed class IntSet
{
    private const int HeaderSize = 8;

    private byte[] _blob;
    private int _width;

    public IntSet()
    {
        _width = sizeof(short);
        _blob = new byte[HeaderSize + 4 * _width];
        WriteHeader();
    }

    private IntSet(byte[] blob, int width, int count)
    {
        _blob = blob;
        _width = width;
        Count = count;
    }

    public int Count { get; private set; }

    /// <summary>Bytes held (for memory accounting).</summary>
    public int Capacity => _blob.Length;

    /// <summary>The intset as RDB stores it (valid until the set changes).</summary>
    public ReadOnlySpan<byte> Blob => _blob.AsSpan(0, HeaderSize + Count * _width);

    /// <summary>
    /// An intset over <paramref name="blob"/> (taken, not copied) when it is well formed: a known
    /// width, a length that matches its size, values strictly ascending (intsetValidateIntegrity, deep).
    /// </summary>
    public static IntSet? FromBlob(byte[] blob)
    {
        if (blob.Length < HeaderSize) return null;
        uint width = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(4));
        if (width is not (2 or 4 or 8) || HeaderSize + (long)count * width != blob.Length) return null;
        var set = new IntSet(blob, (int)width, (int)count);
        for (int i = 1; i < set.Count; i++)
        {
            if (set[i - 1] >= set[i]) return null;
        }
        return set;
    }

    public long this[int index] => _width switch
    {
        2 => BinaryPrimitives.ReadInt16LittleEndian(_blob.AsSpan(HeaderSize + index * 2)),
        4 => BinaryPrimitives.ReadInt32LittleEndian(_blob.AsSpan(HeaderSize + index * 4)),
        _ => BinaryPrimitives.ReadInt64LittleEndian(_blob.AsSpan(HeaderSize + index * 8)),
    };

    public bool Contains(long value) => Search(value, out _);

    public bool Add(long value)
    {
        int width = WidthOf(value);
        if (width > _width)
        {
            Upgrade(width, value);
            return true;
        }
        if (Search(value, out int position)) return false;
        Ensure(Count + 1);
        int at = HeaderSize + position * _width;
        Buffer.BlockCopy(_blob, at, _blob, at + _width, (Count - position) * _width);
        Write(position, value);
        Count++;
        WriteHeader();
        return true;
    }

    public bool Remove(long value)
    {
        if (WidthOf(value) > _width || !Search(value, out int position)) return false;
        int at = HeaderSize + position * _width;
        Buffer.BlockCopy(_blob, at + _width, _blob, at, (Count - position - 1) * _width);
        Count--;
        WriteHeader();
        if (_blob.Length > 256 && Count * _width < _blob.Length / 4) Array.Resize(ref _blob, HeaderSize + Count * _width * 2);
        return true;
    }

    public IntSet Clone() => new((byte[])_blob.Clone(), _width, Count);

    /// <summary>Binary search; on a miss <paramref name="position"/> is where the value would go.</summary>
    private bool Search(long value, out int position)
    {
        int low = 0, high = Count - 1;
        while (low <= high)
        {
            int middle = (int)((uint)(low + high) >> 1);
            long current = this[middle];
            if (current == value)
            {
                position = middle;
                return true;
            }
            if (current < value) low = middle + 1;
            else high = middle - 1;
        }
        position = low;
        return false;
    }

    /// <summary>intsetUpgradeAndAdd: a value wider than all others is below or above all of them.</summary>
    private void Upgrade(int width, long value)
    {
        var blob = new byte[HeaderSize + Math.Max(Count + 1, 4) * width];
        var upgraded = new IntSet(blob, width, Count + 1);
        int offset = value < 0 ? 1 : 0;
        for (int i = 0; i < Count; i++) upgraded.Write(i + offset, this[i]);
        upgraded.Write(value < 0 ? 0 : Count, value);
        _blob = blob;
        _width = width;
        Count++;
        WriteHeader();
    }

    private void Write(int index, long value)
    {
        var at = _blob.AsSpan(HeaderSize + index * _width);
        switch (_width)
        {
            case 2:
                BinaryPrimitives.WriteInt16LittleEndian(at, (short)value);
                break;
            case 4:
                BinaryPrimitives.WriteInt32LittleEndian(at, (int)value);
                break;
            default:
                BinaryPrimitives.WriteInt64LittleEndian(at, value);
                break;
        }
    }

    private void WriteHeader()
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_blob, (uint)_width);
        BinaryPrimitives.WriteUInt32LittleEndian(_blob.AsSpan(4), (uint)Count);
    }

    private void Ensure(int count)
    {
        int needed = HeaderSize + count * _width;
        if (needed > _blob.Length) Array.Resize(ref _blob, Math.Max(needed, HeaderSize + (_blob.Length - HeaderSize) * 2));
    }

    private static int WidthOf(long value) =>
        value is >= short.MinValue and <= short.MaxValue ? 2 : value is >= int.MinValue and <= int.MaxValue ? 4 : 8;
}
