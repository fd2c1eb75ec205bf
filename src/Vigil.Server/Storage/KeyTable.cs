using System.IO.Hashing;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Vigil.Server.Storage;

/// <summary>
/// A hash table from binary keys to values, built for the keyspace: lookups by span without
/// allocating, entries in one array of structs (24 bytes each for object values), power-of-two
/// buckets so that SCAN can use Redis's reverse-binary cursor and keep its guarantees across
/// resizes, and O(1) random sampling for RANDOMKEY, expiry and eviction.
/// </summary>
public sealed class KeyTable<TValue>
{
    private struct Entry
    {
        public byte[]? Key;     // null marks a free entry
        public TValue Value;
        public uint Hash;
        public int Next;        // next entry in the bucket's chain, or in the free list; -1 ends
    }

    private const int MinBuckets = 4;

    private int[] _buckets = new int[MinBuckets];   // entry index + 1; 0 is an empty bucket
    private Entry[] _entries = new Entry[MinBuckets];
    private uint[]? _access;    // per entry, parallel to _entries: LRU clock or LFU counter (see KeyAccess)
    private int _used;          // entries handed out so far (high-water mark)
    private int _freeList = -1;
    private int _freeCount;

    /// <summary>A table whose entries carry an access stamp (the keyspace: OBJECT IDLETIME/FREQ, eviction).</summary>
    public KeyTable(bool trackAccess = false)
    {
        if (trackAccess) _access = new uint[MinBuckets];
    }

    public int Count => _used - _freeCount;

    public int BucketCount => _buckets.Length;

    /// <summary>Slots that <see cref="KeyAt"/> and <see cref="ValueAt"/> accept: 0 to SlotCount - 1.</summary>
    public int SlotCount => _used;

    public static uint HashOf(ReadOnlySpan<byte> key) => (uint)XxHash3.HashToUInt64(key, KeyHashSeed.Value);

    public byte[]? KeyAt(int slot) => _entries[slot].Key;

    public ref TValue ValueAt(int slot) => ref _entries[slot].Value;

    /// <summary>True when entries carry an access stamp.</summary>
    public bool TracksAccess => _access != null;

    /// <summary>The access stamp of the entry at <paramref name="slot"/>; only when <see cref="TracksAccess"/>.</summary>
    public ref uint AccessAt(int slot) => ref _access![slot];

    public int Find(ReadOnlySpan<byte> key) => Find(key, HashOf(key));

    public int Find(ReadOnlySpan<byte> key, uint hash)
    {
        var entries = _entries;
        int i = _buckets[hash & (uint)(_buckets.Length - 1)] - 1;
        while (i >= 0)
        {
            ref Entry e = ref entries[i];
            if (e.Hash == hash && key.SequenceEqual(e.Key)) return i;
            i = e.Next;
        }
        return -1;
    }

    public bool ContainsKey(ReadOnlySpan<byte> key) => Find(key) >= 0;

    /// <summary>A reference to the value of <paramref name="key"/>, or a null reference when absent.</summary>
    public ref TValue FindValue(ReadOnlySpan<byte> key, uint hash)
    {
        int i = Find(key, hash);
        if (i < 0) return ref Unsafe.NullRef<TValue>();
        return ref _entries[i].Value;
    }

    /// <summary>
    /// The slot of <paramref name="key"/>, adding it with a default value when absent. A new entry
    /// stores <paramref name="keyToStore"/> when given (so tables can share key arrays), or a copy.
    /// </summary>
    public int FindOrAdd(ReadOnlySpan<byte> key, uint hash, out bool added, byte[]? keyToStore = null)
    {
        int found = Find(key, hash);
        if (found >= 0)
        {
            added = false;
            return found;
        }
        added = true;
        return Insert(keyToStore ?? key.ToArray(), hash);
    }

    private int Insert(byte[] key, uint hash)
    {
        if (Count >= _buckets.Length) Resize(_buckets.Length * 2);
        int index;
        if (_freeList >= 0)
        {
            index = _freeList;
            _freeList = _entries[index].Next;
            _freeCount--;
        }
        else
        {
            if (_used == _entries.Length)
            {
                Array.Resize(ref _entries, _entries.Length * 2);
                if (_access != null) Array.Resize(ref _access, _entries.Length);
            }
            index = _used++;
        }
        ref int bucket = ref _buckets[hash & (uint)(_buckets.Length - 1)];
        ref Entry e = ref _entries[index];
        e.Key = key;
        e.Hash = hash;
        e.Value = default!;
        e.Next = bucket - 1;
        bucket = index + 1;
        if (_access != null) _access[index] = 0;
        return index;
    }

    public bool Remove(ReadOnlySpan<byte> key) => Remove(key, HashOf(key), out _);

    public bool Remove(ReadOnlySpan<byte> key, uint hash, out TValue removed)
    {
        ref int bucket = ref _buckets[hash & (uint)(_buckets.Length - 1)];
        int previous = -1;
        int i = bucket - 1;
        while (i >= 0)
        {
            ref Entry e = ref _entries[i];
            if (e.Hash == hash && key.SequenceEqual(e.Key))
            {
                if (previous < 0) bucket = e.Next + 1;
                else _entries[previous].Next = e.Next;
                removed = e.Value;
                e.Key = null;
                e.Value = default!;
                e.Next = _freeList;
                _freeList = i;
                _freeCount++;
                return true;
            }
            previous = i;
            i = e.Next;
        }
        removed = default!;
        return false;
    }

    public void Clear()
    {
        _buckets = new int[MinBuckets];
        _entries = new Entry[MinBuckets];
        if (_access != null) _access = new uint[MinBuckets];
        _used = 0;
        _freeList = -1;
        _freeCount = 0;
    }

    /// <summary>A random occupied slot, or -1 when empty.</summary>
    public int RandomSlot(Random random)
    {
        if (Count == 0) return -1;
        // Probing is O(1) while the table is dense; compaction on shrink keeps it so.
        for (int attempt = 0; attempt < 64; attempt++)
        {
            int i = random.Next(_used);
            if (_entries[i].Key != null) return i;
        }
        int start = random.Next(_used);
        for (int k = 0; k < _used; k++)
        {
            int i = (start + k) % _used;
            if (_entries[i].Key != null) return i;
        }
        return -1;
    }

    /// <summary>
    /// Visits the chains of the buckets from <paramref name="cursor"/> on, in reverse-binary order
    /// (Redis's dictScan), until at least <paramref name="count"/> entries were visited or the table
    /// was covered. Returns the next cursor, 0 when done. Every key present for the whole scan is
    /// visited at least once, even if the table grows or shrinks between calls.
    /// </summary>
    public ulong Scan<TState>(ulong cursor, int count, ref TState state, ScanVisitor<TState> visitor)
    {
        if (Count == 0) return 0;
        ulong mask = (ulong)_buckets.Length - 1;
        int visited = 0;
        do
        {
            int i = _buckets[cursor & mask] - 1;
            while (i >= 0)
            {
                visitor(ref state, i);
                visited++;
                i = _entries[i].Next;
            }
            cursor |= ~mask;
            cursor = ReverseBits(cursor);
            cursor++;
            cursor = ReverseBits(cursor);
        } while (cursor != 0 && visited < count);
        return cursor;
    }

    public delegate void ScanVisitor<TState>(ref TState state, int slot);

    /// <summary>
    /// Copies every live key and value (the references, not the values) for a point-in-time view:
    /// O(n) but only a memory copy, done under the lock when a snapshot starts.
    /// </summary>
    public (byte[][] Keys, TValue[] Values) CopyEntries()
    {
        var keys = new byte[Count][];
        var values = new TValue[Count];
        int n = 0;
        for (int i = 0; i < _used; i++)
        {
            ref Entry e = ref _entries[i];
            if (e.Key == null) continue;
            keys[n] = e.Key;
            values[n] = e.Value;
            n++;
        }
        return (keys, values);
    }

    /// <summary>Halves the bucket array while under 1/8 full, and compacts the entries (Redis shrinks at 10%).</summary>
    public void ShrinkIfSparse()
    {
        int target = _buckets.Length;
        while (target > MinBuckets && Count < target / 8) target /= 2;
        if (target != _buckets.Length || _freeCount > _used / 2) Resize(Math.Max(target, (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(Count, MinBuckets))));
    }

    private void Resize(int bucketCount)
    {
        var entries = new Entry[Math.Max(bucketCount, MinBuckets)];
        var access = _access == null ? null : new uint[entries.Length];
        var buckets = new int[bucketCount];
        int n = 0;
        for (int i = 0; i < _used; i++)
        {
            ref Entry old = ref _entries[i];
            if (old.Key == null) continue;
            if (access != null) access[n] = _access![i];
            ref Entry e = ref entries[n];
            e = old;
            ref int bucket = ref buckets[e.Hash & (uint)(bucketCount - 1)];
            e.Next = bucket - 1;
            bucket = n + 1;
            n++;
        }
        _entries = entries;
        _access = access;
        _buckets = buckets;
        _used = n;
        _freeList = -1;
        _freeCount = 0;
    }

    private static ulong ReverseBits(ulong v)
    {
        v = ((v >> 1) & 0x5555555555555555UL) | ((v & 0x5555555555555555UL) << 1);
        v = ((v >> 2) & 0x3333333333333333UL) | ((v & 0x3333333333333333UL) << 2);
        v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FUL) | ((v & 0x0F0F0F0F0F0F0F0FUL) << 4);
        return System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v);
    }
}

/// <summary>
/// The hash seed, one per process and shared by every KeyTable instantiation: the keyspace and the
/// expires table look keys up with each other's hashes. (A static field of the generic class would
/// be one seed per type argument.)
/// </summary>
internal static class KeyHashSeed
{
    public static readonly long Value = Random.Shared.NextInt64();
}
