using Vigil.Protocol;

namespace Vigil.Server.Storage;

/// <summary>
/// A set value (t_set.c). While every member is a canonical 64-bit integer and there are at most
/// set-max-intset-entries of them, the set is an "intset" (<see cref="IntSet"/>: sorted, 2 to 8
/// bytes a member); otherwise a "hashtable" (a <see cref="KeyTable{TValue}"/> of members), for good,
/// as in Redis 7.0, which has no listpack sets. Members of the table are never changed in place,
/// so a clone may share them.
/// </summary>
public sealed class RedisSet : IRedisValue, ICloneableValue, IMemberCollection
{
    /// <summary>What a table member costs beyond its bytes: entry, bucket, array header.</summary>
    private const long TableEntryOverhead = 24 + 4 + 24;
    private const long ObjectOverhead = 64;

    private IntSet? _ints;
    private KeyTable<bool>? _table;
    private long _tableBytes;

    public RedisSet()
    {
        _ints = new IntSet();
    }

    private RedisSet(IntSet? ints, KeyTable<bool>? table, long tableBytes)
    {
        _ints = ints;
        _table = table;
        _tableBytes = tableBytes;
    }

    /// <summary>A set over an RDB intset blob (taken, not copied), or null when the blob is malformed.</summary>
    internal static RedisSet? FromIntSetBlob(byte[] blob, in EncodingLimits limits)
    {
        var ints = IntSet.FromBlob(blob);
        if (ints == null) return null;
        var set = new RedisSet(ints, null, 0);
        if (ints.Count > limits.SetMaxIntsetEntries) set.ConvertToTable();
        return set;
    }

    public string TypeName => "set";

    public string Encoding => _ints != null ? "intset" : "hashtable";

    public bool IsIntSet => _ints != null;

    public int Count => _ints?.Count ?? _table!.Count;

    public long MemoryUsage => ObjectOverhead + (_ints?.Capacity ?? _tableBytes + _table!.Count * TableEntryOverhead);

    /// <summary>The intset in RDB form; only while <see cref="IsIntSet"/>.</summary>
    internal ReadOnlySpan<byte> IntSetBlob => _ints!.Blob;

    /// <summary>setTypeAdd: true when the member is new.</summary>
    public bool Add(ReadOnlySpan<byte> member, in EncodingLimits limits)
    {
        if (_ints != null)
        {
            if (TryParseInteger(member, out long value)) return AddInteger(value, limits);
            ConvertToTable();
        }
        return AddToTable(member);
    }

    public bool Add(SetMember member, in EncodingLimits limits)
    {
        if (member.Bytes != null) return Add(member.Bytes, limits);
        if (_ints != null) return AddInteger(member.Integer, limits);
        Span<byte> digits = stackalloc byte[20];
        return AddToTable(digits[..RedisNumbers.FormatInt64(member.Integer, digits)]);
    }

    private bool AddInteger(long value, in EncodingLimits limits)
    {
        if (!_ints!.Add(value)) return false;
        if (_ints.Count > limits.SetMaxIntsetEntries) ConvertToTable();
        return true;
    }

    private bool AddToTable(ReadOnlySpan<byte> member)
    {
        _table!.FindOrAdd(member, KeyTable<bool>.HashOf(member), out bool added);
        if (added) _tableBytes += member.Length;
        return added;
    }

    /// <summary>setTypeRemove: true when the member was there.</summary>
    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (_ints != null) return TryParseInteger(member, out long value) && _ints.Remove(value);
        if (!_table!.Remove(member, KeyTable<bool>.HashOf(member), out _)) return false;
        _tableBytes -= member.Length;
        _table.ShrinkIfSparse();
        return true;
    }

    public bool Remove(SetMember member)
    {
        if (member.Bytes != null) return Remove(member.Bytes);
        if (_ints != null) return _ints.Remove(member.Integer);
        Span<byte> digits = stackalloc byte[20];
        return Remove(digits[..RedisNumbers.FormatInt64(member.Integer, digits)]);
    }

    /// <summary>setTypeIsMember.</summary>
    public bool Contains(ReadOnlySpan<byte> member)
    {
        if (_ints != null) return TryParseInteger(member, out long value) && _ints.Contains(value);
        return _table!.Find(member) >= 0;
    }

    public bool Contains(SetMember member)
    {
        if (member.Bytes != null) return Contains(member.Bytes);
        if (_ints != null) return _ints.Contains(member.Integer);
        Span<byte> digits = stackalloc byte[20];
        return _table!.Find(digits[..RedisNumbers.FormatInt64(member.Integer, digits)]) >= 0;
    }

    /// <summary>What an intset can hold: the canonical text of a 64-bit integer (string2ll).</summary>
    private static bool TryParseInteger(ReadOnlySpan<byte> member, out long value)
    {
        value = 0;
        return member.Length <= 20 && RedisNumbers.TryParseInt64(member, out value);
    }

    /// <summary>setTypeConvert to OBJ_ENCODING_HT: one way, as in Redis.</summary>
    private void ConvertToTable()
    {
        var ints = _ints!;
        var table = new KeyTable<bool>();
        long bytes = 0;
        Span<byte> digits = stackalloc byte[20];
        for (int i = 0; i < ints.Count; i++)
        {
            var member = digits[..RedisNumbers.FormatInt64(ints[i], digits)];
            table.FindOrAdd(member, KeyTable<bool>.HashOf(member), out _);
            bytes += member.Length;
        }
        _table = table;
        _tableBytes = bytes;
        _ints = null;
    }

    // Positions name members: an index into an intset, a slot of a table.

    /// <summary>The member at <paramref name="position"/>.</summary>
    public SetMember MemberAt(int position) => _ints != null ? new SetMember(_ints[position]) : new SetMember(_table!.KeyAt(position)!);

    /// <summary>The position of a uniformly random member; the set must not be empty.</summary>
    public int RandomPosition(Random random) => _ints != null ? random.Next(_ints.Count) : _table!.RandomSlot(random);

    /// <summary>The position of every member, in iteration order.</summary>
    public int[] Positions()
    {
        var positions = new int[Count];
        if (_ints != null)
        {
            for (int i = 0; i < positions.Length; i++) positions[i] = i;
            return positions;
        }
        int n = 0;
        for (int slot = 0; slot < _table!.SlotCount; slot++)
        {
            if (_table.KeyAt(slot) != null) positions[n++] = slot;
        }
        return positions;
    }

    public Enumerator GetEnumerator() => new(this);

    /// <summary>Members in iteration order: ascending for an intset, table order for a hashtable. The set must not change meanwhile.</summary>
    public struct Enumerator
    {
        private readonly RedisSet _set;
        private int _position;

        internal Enumerator(RedisSet set)
        {
            _set = set;
            _position = -1;
        }

        public SetMember Current { get; private set; }

        public bool MoveNext()
        {
            if (_set._ints != null)
            {
                if (++_position >= _set._ints.Count) return false;
                Current = new SetMember(_set._ints[_position]);
                return true;
            }
            var table = _set._table!;
            while (++_position < table.SlotCount)
            {
                var key = table.KeyAt(_position);
                if (key == null) continue;
                Current = new SetMember(key);
                return true;
            }
            return false;
        }
    }

    /// <summary>SSCAN over a hashtable (see <see cref="KeyTable{TValue}.Scan{TState}"/>); returns the next cursor.</summary>
    public ulong ScanTable(ulong cursor, int count, List<byte[]> into)
    {
        var state = (Table: _table!, Into: into);
        return _table!.Scan(cursor, count, ref state, static (ref (KeyTable<bool> Table, List<byte[]> Into) s, int slot) => s.Into.Add(s.Table.KeyAt(slot)!));
    }

    public object Clone()
    {
        if (_ints != null) return new RedisSet(_ints.Clone(), null, 0);
        var table = new KeyTable<bool>();
        for (int slot = 0; slot < _table!.SlotCount; slot++)
        {
            var key = _table.KeyAt(slot);
            if (key != null) table.FindOrAdd(key, KeyTable<bool>.HashOf(key), out _, key);
        }
        return new RedisSet(null, table, _tableBytes);
    }
}

/// <summary>A set member as stored: an integer of an intset, or the bytes of a table member.</summary>
public readonly struct SetMember
{
    public SetMember(long integer)
    {
        Integer = integer;
    }

    public SetMember(byte[] bytes)
    {
        Bytes = bytes;
    }

    /// <summary>The member's bytes, or null when it is the integer <see cref="Integer"/>.</summary>
    public byte[]? Bytes { get; }

    public long Integer { get; }

    public byte[] ToBytes() => Bytes ?? System.Text.Encoding.ASCII.GetBytes(Integer.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void WriteTo(RespWriter reply)
    {
        if (Bytes != null) reply.WriteBulkString(Bytes);
        else reply.WriteBulkString(Integer);
    }
}
