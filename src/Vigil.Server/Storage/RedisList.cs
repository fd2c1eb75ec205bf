namespace Vigil.Server.Storage;

/// <summary>
/// A list value: its elements (never modified in place, so any holder may keep one) in a ring
/// buffer whose capacity is a power of two. Both ends push and pop in O(1), LINDEX and LSET are
/// O(1), and a removal or insertion in the middle moves the shorter side. The buffer grows by
/// doubling and shrinks by half when a quarter full, so a drained queue gives its memory back.
/// OBJECT ENCODING says "quicklist", as Redis 7.0 does for every list.
/// </summary>
public sealed class RedisList : IRedisValue, ICloneableValue
{
    private const int MinCapacity = 4;

    /// <summary>The list object and its buffer's header.</summary>
    private const int StructureOverhead = 64;

    private byte[]?[] _items;
    private int _head;
    private int _count;
    private long _elementBytes;

    public RedisList()
    {
        _items = new byte[MinCapacity][];
    }

    private RedisList(byte[]?[] items, int count, long elementBytes)
    {
        _items = items;
        _count = count;
        _elementBytes = elementBytes;
    }

    public int Count => _count;

    public string TypeName => "list";

    public string Encoding => "quicklist";

    public long MemoryUsage => StructureOverhead + (long)_items.Length * IntPtr.Size + _elementBytes;

    /// <summary>The element at <paramref name="index"/> (0 is the head); the index must be in range.</summary>
    public byte[] this[int index]
    {
        get => _items[Slot(index)]!;
        set
        {
            ref var slot = ref _items[Slot(index)];
            _elementBytes += SizeOf(value) - SizeOf(slot!);
            slot = value;
        }
    }

    /// <summary>Maps a possibly negative Redis index (-1 is the tail) to a position; false when out of range.</summary>
    public bool TryResolveIndex(long index, out int position)
    {
        if (index < 0) index += _count;
        position = (int)index;
        return index >= 0 && index < _count;
    }

    public void PushHead(byte[] value)
    {
        Grow();
        _head = (_head - 1) & (_items.Length - 1);
        _items[_head] = value;
        _count++;
        _elementBytes += SizeOf(value);
    }

    public void PushTail(byte[] value)
    {
        Grow();
        _items[Slot(_count)] = value;
        _count++;
        _elementBytes += SizeOf(value);
    }

    public void Push(byte[] value, bool head)
    {
        if (head) PushHead(value);
        else PushTail(value);
    }

    /// <summary>Removes and returns the head or tail element; the list must not be empty.</summary>
    public byte[] Pop(bool head)
    {
        int slot = head ? _head : Slot(_count - 1);
        var value = _items[slot]!;
        _items[slot] = null;
        if (head) _head = (_head + 1) & (_items.Length - 1);
        _count--;
        _elementBytes -= SizeOf(value);
        ShrinkIfSparse();
        return value;
    }

    /// <summary>Inserts <paramref name="value"/> so that it becomes element <paramref name="index"/> (0..Count).</summary>
    public void Insert(int index, byte[] value)
    {
        Grow();
        int mask = _items.Length - 1;
        if (index < _count - index)
        {
            // Move the elements before the insertion point one step towards the head.
            _head = (_head - 1) & mask;
            for (int i = 0; i < index; i++) _items[Slot(i)] = _items[Slot(i + 1)];
        }
        else
        {
            for (int i = _count; i > index; i--) _items[Slot(i)] = _items[Slot(i - 1)];
        }
        _items[Slot(index)] = value;
        _count++;
        _elementBytes += SizeOf(value);
    }

    /// <summary>Removes <paramref name="length"/> elements from <paramref name="index"/> on, closing the gap from the shorter side.</summary>
    public void RemoveRange(int index, int length)
    {
        if (length <= 0) return;
        for (int i = index; i < index + length; i++) _elementBytes -= SizeOf(_items[Slot(i)]!);
        int before = index;
        int after = _count - index - length;
        if (before < after)
        {
            for (int i = before - 1; i >= 0; i--) _items[Slot(i + length)] = _items[Slot(i)];
            for (int i = 0; i < length; i++) _items[Slot(i)] = null;
            _head = (_head + length) & (_items.Length - 1);
        }
        else
        {
            for (int i = index; i < index + after; i++) _items[Slot(i)] = _items[Slot(i + length)];
            for (int i = _count - length; i < _count; i++) _items[Slot(i)] = null;
        }
        _count -= length;
        ShrinkIfSparse();
    }

    /// <summary>
    /// LREM: removes elements equal to <paramref name="value"/>, at most <paramref name="limit"/> of
    /// them (0 for all), scanning from the tail when <paramref name="fromTail"/>. Returns how many went.
    /// </summary>
    public int RemoveMatching(ReadOnlySpan<byte> value, long limit, bool fromTail)
    {
        int removed = 0;
        int step = fromTail ? -1 : 1;
        int read = fromTail ? _count - 1 : 0;
        int write = read;
        for (int n = 0; n < _count; n++, read += step)
        {
            var item = _items[Slot(read)]!;
            if ((limit == 0 || removed < limit) && item.AsSpan().SequenceEqual(value))
            {
                removed++;
                _elementBytes -= SizeOf(item);
                continue;
            }
            if (write != read) _items[Slot(write)] = item;
            write += step;
        }
        if (removed == 0) return 0;
        // The survivors are packed against the end the scan started from; clear what they left.
        for (int i = 0; i < removed; i++)
        {
            _items[Slot(fromTail ? i : _count - 1 - i)] = null;
        }
        if (fromTail) _head = (_head + removed) & (_items.Length - 1);
        _count -= removed;
        ShrinkIfSparse();
        return removed;
    }

    /// <summary>Index of the first element equal to <paramref name="value"/>, or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> value)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_items[Slot(i)].AsSpan().SequenceEqual(value)) return i;
        }
        return -1;
    }

    public object Clone()
    {
        var items = new byte[]?[_items.Length];
        for (int i = 0; i < _count; i++) items[i] = _items[Slot(i)];
        return new RedisList(items, _count, _elementBytes);
    }

    private int Slot(int index) => (_head + index) & (_items.Length - 1);

    private void Grow()
    {
        if (_count < _items.Length) return;
        Resize(_items.Length * 2);
    }

    private void ShrinkIfSparse()
    {
        if (_items.Length > MinCapacity && _count < _items.Length / 4) Resize(_items.Length / 2);
    }

    private void Resize(int capacity)
    {
        var items = new byte[]?[capacity];
        for (int i = 0; i < _count; i++) items[i] = _items[Slot(i)];
        _items = items;
        _head = 0;
    }

    private static long SizeOf(byte[] value) => ObjectSizes.ByteArray(value.Length);
}
