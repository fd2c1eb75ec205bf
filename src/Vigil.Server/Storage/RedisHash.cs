namespace Vigil.Server.Storage;

/// <summary>
/// A hash value (t_hash.c). Small hashes are "listpack" encoded: pairs in insertion order in one
/// packed buffer (<see cref="PackedPairs"/>). Past hash-max-listpack-entries pairs, or when a field
/// or value longer than hash-max-listpack-value arrives, the hash becomes a "hashtable" (a
/// <see cref="KeyTable{TValue}"/> from field to value) and stays one, as in Redis. Values in the
/// table are never changed in place, so a clone may share them.
/// </summary>
public sealed class RedisHash : IRedisValue, ICloneableValue, IMemberCollection
{
    /// <summary>What a table pair costs beyond its bytes: entry, bucket, and two array headers.</summary>
    private const long TableEntryOverhead = 24 + 4 + 2 * 24;
    private const long ObjectOverhead = 64;

    private PackedPairs? _packed;
    private KeyTable<byte[]>? _table;
    private long _tableBytes;

    public RedisHash()
    {
        _packed = new PackedPairs();
    }

    private RedisHash(PackedPairs? packed, KeyTable<byte[]>? table, long tableBytes)
    {
        _packed = packed;
        _table = table;
        _tableBytes = tableBytes;
    }

    public string TypeName => "hash";

    public string Encoding => _packed != null ? "listpack" : "hashtable";

    public bool IsPacked => _packed != null;

    public int Count => _packed?.Count ?? _table!.Count;

    public long MemoryUsage => ObjectOverhead + (_packed?.Capacity ?? _tableBytes + _table!.Count * TableEntryOverhead);

    /// <summary>The value of <paramref name="field"/> (valid until the hash changes); false when absent.</summary>
    public bool TryGet(ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
    {
        if (_packed != null)
        {
            int pair = _packed.Find(field);
            value = pair < 0 ? default : _packed.ValueOf(pair);
            return pair >= 0;
        }
        int slot = _table!.Find(field);
        value = slot < 0 ? default : _table.ValueAt(slot);
        return slot >= 0;
    }

    public bool Contains(ReadOnlySpan<byte> field) => _packed != null ? _packed.Find(field) >= 0 : _table!.Find(field) >= 0;

    /// <summary>Sets <paramref name="field"/> (hashTypeSet); true when the field is new.</summary>
    public bool Set(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value, in EncodingLimits limits)
    {
        if (_packed != null && (field.Length > limits.HashMaxListpackValue || value.Length > limits.HashMaxListpackValue)) ConvertToTable();
        if (_packed != null)
        {
            int pair = _packed.Find(field);
            if (pair >= 0)
            {
                _packed.SetValue(pair, value);
                return false;
            }
            _packed.Add(field, value);
            if (_packed.Count > limits.HashMaxListpackEntries) ConvertToTable();
            return true;
        }
        int slot = _table!.FindOrAdd(field, KeyTable<byte[]>.HashOf(field), out bool added);
        ref byte[] stored = ref _table.WritableValueAt(slot);
        _tableBytes += added ? field.Length + value.Length : value.Length - stored.Length;
        stored = value.ToArray();
        return added;
    }

    /// <summary>Removes <paramref name="field"/>; true when it was there.</summary>
    public bool Remove(ReadOnlySpan<byte> field)
    {
        if (_packed != null)
        {
            int pair = _packed.Find(field);
            if (pair < 0) return false;
            _packed.RemoveAt(pair);
            return true;
        }
        if (!_table!.Remove(field, KeyTable<byte[]>.HashOf(field), out var removed)) return false;
        _tableBytes -= field.Length + removed.Length;
        _table.ShrinkIfSparse();
        return true;
    }

    /// <summary>hashTypeConvert to OBJ_ENCODING_HT: one way, as in Redis.</summary>
    private void ConvertToTable()
    {
        var packed = _packed!;
        var table = new KeyTable<byte[]>();
        long bytes = 0;
        for (int position = 0; position < packed.Length;)
        {
            var field = packed.Read(ref position);
            var value = packed.Read(ref position);
            table.WritableValueAt(table.FindOrAdd(field, KeyTable<byte[]>.HashOf(field), out _)) = value.ToArray();
            bytes += field.Length + value.Length;
        }
        _table = table;
        _tableBytes = bytes;
        _packed = null;
    }

    public Enumerator GetEnumerator() => new(this);

    /// <summary>
    /// Pairs in storage order: insertion order for a listpack, table order for a hashtable. The hash
    /// must not change while enumerating.
    /// </summary>
    public ref struct Enumerator
    {
        private readonly PackedPairs? _packed;
        private readonly KeyTable<byte[]>? _table;
        private int _position;

        internal Enumerator(RedisHash hash)
        {
            _packed = hash._packed;
            _table = hash._table;
            _position = _packed != null ? 0 : -1;
        }

        public ReadOnlySpan<byte> Field { get; private set; }

        public ReadOnlySpan<byte> Value { get; private set; }

        public readonly Enumerator Current => this;

        public bool MoveNext()
        {
            if (_packed != null)
            {
                if (_position >= _packed.Length) return false;
                Field = _packed.Read(ref _position);
                Value = _packed.Read(ref _position);
                return true;
            }
            while (++_position < _table!.SlotCount)
            {
                var key = _table.KeyAt(_position);
                if (key == null) continue;
                Field = key;
                Value = _table.ValueAt(_position);
                return true;
            }
            return false;
        }
    }

    // Random access: a position names one pair, as a byte offset in a listpack or a slot in a table.

    /// <summary>The position of a uniformly random pair; the hash must not be empty.</summary>
    public int RandomPosition(Random random)
    {
        if (_packed == null) return _table!.RandomSlot(random);
        int position = 0;
        for (int i = random.Next(_packed.Count); i > 0; i--) position = _packed.Next(position);
        return position;
    }

    /// <summary>The position of every pair, in storage order (for repeated or distinct random picks).</summary>
    public int[] Positions()
    {
        var positions = new int[Count];
        if (_packed != null)
        {
            int position = 0;
            for (int i = 0; i < positions.Length; i++)
            {
                positions[i] = position;
                position = _packed.Next(position);
            }
            return positions;
        }
        int n = 0;
        for (int slot = 0; slot < _table!.SlotCount; slot++)
        {
            if (_table.KeyAt(slot) != null) positions[n++] = slot;
        }
        return positions;
    }

    /// <summary>The pair at <paramref name="position"/> (valid until the hash changes).</summary>
    public void PairAt(int position, out ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
    {
        if (_packed != null)
        {
            field = _packed.Read(ref position);
            value = _packed.Read(ref position);
            return;
        }
        field = _table!.KeyAt(position);
        value = _table.ValueAt(position);
    }

    /// <summary>
    /// HSCAN over a hashtable: visits buckets from <paramref name="cursor"/> in reverse-binary order
    /// (see <see cref="KeyTable{TValue}.Scan{TState}"/>), adding fields and values to
    /// <paramref name="into"/>; returns the next cursor.
    /// </summary>
    public ulong ScanTable(ulong cursor, int count, List<byte[]> into)
    {
        var state = (Table: _table!, Into: into);
        return _table!.Scan(cursor, count, ref state, static (ref (KeyTable<byte[]> Table, List<byte[]> Into) s, int slot) =>
        {
            s.Into.Add(s.Table.KeyAt(slot)!);
            s.Into.Add(s.Table.ValueAt(slot));
        });
    }

    public object Clone()
    {
        if (_packed != null) return new RedisHash(_packed.Clone(), null, 0);
        var table = new KeyTable<byte[]>();
        for (int slot = 0; slot < _table!.SlotCount; slot++)
        {
            var key = _table.KeyAt(slot);
            if (key == null) continue;
            table.WritableValueAt(table.FindOrAdd(key, KeyTable<byte[]>.HashOf(key), out _, key)) = _table.ValueAt(slot);
        }
        return new RedisHash(null, table, _tableBytes);
    }
}
