using System.IO.Hashing;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Vigil.Server.Storage;

/// <summary>
/// A hash table from binary keys to values, built for the keyspace: lookups by span without
/// allocating, entries as structs (24 bytes each for object values), power-of-two buckets so that
/// SCAN can use Redis's reverse-binary cursor and keep its guarantees across resizes, and O(1)
/// random sampling for RANDOMKEY, expiry and eviction.
///
/// Entries and buckets live in fixed-size chunks so that <see cref="Freeze"/> can hand a
/// point-in-time view to a snapshot in O(chunks): the view shares the chunks, and the table copies
/// a chunk the first time it writes to it while a view may still read it (copy-on-write, decided
/// by comparing the chunk's epoch with the epoch of the latest view). A small table keeps one
/// chunk of its own size, so per-client tables stay small.
/// </summary>
public sealed class KeyTable<TValue>
{
    internal struct Entry
    {
        public byte[]? Key;     // null marks a free entry
        public TValue Value;
        public uint Hash;
        public int Next;        // next entry in the bucket's chain, or in the free list; -1 ends
    }

    private const int MinBuckets = 4;
    private const int EntryShift = 11;                      // 2048 entries (48 KB of object entries) per chunk
    private const int EntryChunkSize = 1 << EntryShift;
    private const int EntryMask = EntryChunkSize - 1;
    private const int BucketShift = 14;                     // 16384 buckets (64 KB) per chunk
    private const int BucketChunkSize = 1 << BucketShift;
    private const int BucketMask = BucketChunkSize - 1;

    private int[][] _buckets;       // entry index + 1; 0 is an empty bucket
    private int[] _bucketEpochs;
    private int _bucketCount;
    private Entry[][] _entries;
    private int[] _entryEpochs;
    private uint[][]? _access;      // per entry, chunked like the entries: LRU clock or LFU counter (see KeyAccess)
    private int _capacity;          // entry slots allocated
    private int _used;              // entries handed out so far (high-water mark)
    private int _freeList = -1;
    private int _freeCount;

    // Copy-on-write: chunks stamped with an epoch up to _sharedEpoch may be read by an open view.
    private int _epoch = 1;
    private int _sharedEpoch;
    private int _openViews;

    /// <summary>A table whose entries carry an access stamp (the keyspace: OBJECT IDLETIME/FREQ, eviction).</summary>
    public KeyTable(bool trackAccess = false)
    {
        if (trackAccess) _access = [];
        MakeEmpty();
    }

    public int Count => _used - _freeCount;

    public int BucketCount => _bucketCount;

    /// <summary>Bytes of the table's own arrays (entries, access stamps, buckets), in O(1): used_memory's per-key overhead.</summary>
    public long AllocatedBytes =>
        (long)_capacity * (Unsafe.SizeOf<Entry>() + (_access != null ? sizeof(uint) : 0)) + (long)_bucketCount * sizeof(int);

    /// <summary>Slots that <see cref="KeyAt"/> and <see cref="ValueAt"/> accept: 0 to SlotCount - 1.</summary>
    public int SlotCount => _used;

    public static uint HashOf(ReadOnlySpan<byte> key) => (uint)XxHash3.HashToUInt64(key, KeyHashSeed.Value);

    public byte[]? KeyAt(int slot) => _entries[slot >> EntryShift][slot & EntryMask].Key;

    public ref readonly TValue ValueAt(int slot) => ref _entries[slot >> EntryShift][slot & EntryMask].Value;

    /// <summary>The stored hash of the key at <paramref name="slot"/> (to find it in a table sharing the hash function).</summary>
    public uint HashAt(int slot) => _entries[slot >> EntryShift][slot & EntryMask].Hash;

    /// <summary>The value at <paramref name="slot"/>, for changing it in place.</summary>
    public ref TValue WritableValueAt(int slot) => ref WritableEntry(slot).Value;

    /// <summary>True when entries carry an access stamp.</summary>
    public bool TracksAccess => _access != null;

    /// <summary>The access stamp of the entry at <paramref name="slot"/>; only when <see cref="TracksAccess"/>.</summary>
    public ref uint AccessAt(int slot) => ref _access![slot >> EntryShift][slot & EntryMask];

    public int Find(ReadOnlySpan<byte> key) => Find(key, HashOf(key));

    public int Find(ReadOnlySpan<byte> key, uint hash)
    {
        var entries = _entries;
        uint b = hash & (uint)(_bucketCount - 1);
        int i = _buckets[b >> BucketShift][b & BucketMask] - 1;
        while (i >= 0)
        {
            ref Entry e = ref entries[i >> EntryShift][i & EntryMask];
            if (e.Hash == hash && key.SequenceEqual(e.Key)) return i;
            i = e.Next;
        }
        return -1;
    }

    public bool ContainsKey(ReadOnlySpan<byte> key) => Find(key) >= 0;

    /// <summary>A reference to the value of <paramref name="key"/>, or a null reference when absent.</summary>
    public ref readonly TValue FindValue(ReadOnlySpan<byte> key, uint hash)
    {
        int i = Find(key, hash);
        if (i < 0) return ref Unsafe.NullRef<TValue>();
        return ref ValueAt(i);
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
        if (Count >= _bucketCount) Resize(_bucketCount * 2);
        int index;
        if (_freeList >= 0)
        {
            index = _freeList;
            _freeList = EntryRef(index).Next;
            _freeCount--;
        }
        else
        {
            if (_used == _capacity) Grow();
            index = _used++;
        }
        ref int bucket = ref WritableBucket(hash & (uint)(_bucketCount - 1));
        ref Entry e = ref WritableEntry(index);
        e.Key = key;
        e.Hash = hash;
        e.Value = default!;
        e.Next = bucket - 1;
        bucket = index + 1;
        if (_access != null) AccessAt(index) = 0;
        return index;
    }

    public bool Remove(ReadOnlySpan<byte> key) => Remove(key, HashOf(key), out _);

    public bool Remove(ReadOnlySpan<byte> key, uint hash, out TValue removed)
    {
        uint b = hash & (uint)(_bucketCount - 1);
        int previous = -1;
        int i = _buckets[b >> BucketShift][b & BucketMask] - 1;
        while (i >= 0)
        {
            ref Entry found = ref EntryRef(i);
            if (found.Hash == hash && key.SequenceEqual(found.Key))
            {
                if (previous < 0) WritableBucket(b) = found.Next + 1;
                else WritableEntry(previous).Next = found.Next;
                ref Entry e = ref WritableEntry(i);
                removed = e.Value;
                e.Key = null;
                e.Value = default!;
                e.Next = _freeList;
                _freeList = i;
                _freeCount++;
                return true;
            }
            previous = i;
            i = found.Next;
        }
        removed = default!;
        return false;
    }

    public void Clear()
    {
        _epoch++;
        MakeEmpty();
    }

    /// <summary>Fresh minimal chunks, stamped with the current epoch (any open view keeps the old ones).</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_buckets), nameof(_bucketEpochs), nameof(_entries), nameof(_entryEpochs))]
    private void MakeEmpty()
    {
        _buckets = [new int[MinBuckets]];
        _bucketEpochs = [_epoch];
        _bucketCount = MinBuckets;
        _entries = [new Entry[MinBuckets]];
        _entryEpochs = [_epoch];
        _capacity = MinBuckets;
        if (_access != null) _access = [new uint[MinBuckets]];
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
            if (KeyAt(i) != null) return i;
        }
        int start = random.Next(_used);
        for (int k = 0; k < _used; k++)
        {
            int i = (start + k) % _used;
            if (KeyAt(i) != null) return i;
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
        ulong mask = (ulong)_bucketCount - 1;
        int visited = 0;
        do
        {
            ulong b = cursor & mask;
            int i = _buckets[b >> BucketShift][b & BucketMask] - 1;
            while (i >= 0)
            {
                visitor(ref state, i);
                visited++;
                i = EntryRef(i).Next;
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
    /// A point-in-time view of the table, in O(number of chunks): the view shares the chunks, and
    /// from now on the table copies a chunk before its first write to it. Call under the lock that
    /// guards the table; <see cref="Release"/> the view (under the same lock) when done with it.
    /// </summary>
    public View Freeze()
    {
        var view = new View((Entry[][])_entries.Clone(), _used, Count, (int[][])_buckets.Clone(), _bucketCount);
        _sharedEpoch = _epoch;
        _epoch++;
        _openViews++;
        return view;
    }

    /// <summary>Ends a view from <see cref="Freeze"/>: once none is open, writes stop copying chunks.</summary>
    public void Release(View view)
    {
        if (view.Released) return;
        view.Released = true;
        if (--_openViews == 0) _sharedEpoch = 0;
    }

    /// <summary>Chunks copied because a view shared them (the copy-on-write cost).</summary>
    public long CopiedChunks { get; private set; }

    /// <summary>Bytes of the chunks copied because a view shared them (INFO's copy-on-write sizes).</summary>
    public long CopiedBytes { get; private set; }

    /// <summary>
    /// An immutable picture of the table at the time of <see cref="Freeze"/>, safe to read from
    /// another thread while the table goes on changing.
    /// </summary>
    public sealed class View
    {
        private readonly Entry[][] _entries;
        private readonly int[][] _buckets;
        private readonly int _bucketCount;

        internal View(Entry[][] entries, int used, int count, int[][] buckets, int bucketCount)
        {
            _entries = entries;
            SlotCount = used;
            Count = count;
            _buckets = buckets;
            _bucketCount = bucketCount;
        }

        internal bool Released { get; set; }

        public int Count { get; }

        public int SlotCount { get; }

        /// <summary>The key at <paramref name="slot"/>, or null for a free slot.</summary>
        public byte[]? KeyAt(int slot) => _entries[slot >> EntryShift][slot & EntryMask].Key;

        public TValue ValueAt(int slot) => _entries[slot >> EntryShift][slot & EntryMask].Value;

        public uint HashAt(int slot) => _entries[slot >> EntryShift][slot & EntryMask].Hash;

        public bool TryGetValue(ReadOnlySpan<byte> key, uint hash, out TValue value)
        {
            uint b = hash & (uint)(_bucketCount - 1);
            int i = _buckets[b >> BucketShift][b & BucketMask] - 1;
            while (i >= 0)
            {
                ref Entry e = ref _entries[i >> EntryShift][i & EntryMask];
                if (e.Hash == hash && key.SequenceEqual(e.Key))
                {
                    value = e.Value;
                    return true;
                }
                i = e.Next;
            }
            value = default!;
            return false;
        }
    }

    /// <summary>Halves the buckets while under 1/8 full, and compacts the entries (Redis shrinks at 10%).</summary>
    public void ShrinkIfSparse()
    {
        int target = _bucketCount;
        while (target > MinBuckets && Count < target / 8) target /= 2;
        if (target != _bucketCount || _freeCount > _used / 2) Resize(Math.Max(target, (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(Count, MinBuckets))));
    }

    private ref Entry EntryRef(int i) => ref _entries[i >> EntryShift][i & EntryMask];

    private ref Entry WritableEntry(int i)
    {
        int chunk = i >> EntryShift;
        if (_entryEpochs[chunk] <= _sharedEpoch)
        {
            _entries[chunk] = (Entry[])_entries[chunk].Clone();
            _entryEpochs[chunk] = _epoch;
            CopiedChunks++;
            CopiedBytes += (long)_entries[chunk].Length * Unsafe.SizeOf<Entry>();
        }
        return ref _entries[chunk][i & EntryMask];
    }

    private ref int WritableBucket(uint b)
    {
        int chunk = (int)(b >> BucketShift);
        if (_bucketEpochs[chunk] <= _sharedEpoch)
        {
            _buckets[chunk] = (int[])_buckets[chunk].Clone();
            _bucketEpochs[chunk] = _epoch;
            CopiedChunks++;
            CopiedBytes += (long)_buckets[chunk].Length * sizeof(int);
        }
        return ref _buckets[chunk][b & BucketMask];
    }

    /// <summary>Room for more entries: the single small chunk doubles, then whole chunks are added.</summary>
    private void Grow()
    {
        if (_capacity < EntryChunkSize)
        {
            // A new array: a view may hold the old one.
            int size = Math.Min(_capacity * 2, EntryChunkSize);
            var grown = new Entry[size];
            _entries[0].AsSpan(0, _used).CopyTo(grown);
            _entries[0] = grown;
            _entryEpochs[0] = _epoch;
            if (_access != null)
            {
                var access = new uint[size];
                _access[0].AsSpan(0, _used).CopyTo(access);
                _access[0] = access;
            }
            _capacity = size;
            return;
        }
        int chunks = _entries.Length;
        Array.Resize(ref _entries, chunks + 1);
        Array.Resize(ref _entryEpochs, chunks + 1);
        _entries[chunks] = new Entry[EntryChunkSize];
        _entryEpochs[chunks] = _epoch;
        if (_access != null)
        {
            Array.Resize(ref _access, chunks + 1);
            _access[chunks] = new uint[EntryChunkSize];
        }
        _capacity += EntryChunkSize;
    }

    /// <summary>Rebuilds into new chunks: new bucket count, entries compacted (the old chunks stay with any open view).</summary>
    private void Resize(int bucketCount)
    {
        int capacity = Math.Max(bucketCount, MinBuckets);
        var entries = AllocateChunks<Entry>(capacity, EntryShift);
        var access = _access == null ? null : AllocateChunks<uint>(capacity, EntryShift);
        var buckets = AllocateChunks<int>(bucketCount, BucketShift);
        uint mask = (uint)(bucketCount - 1);
        int n = 0;
        for (int i = 0; i < _used; i++)
        {
            ref Entry old = ref EntryRef(i);
            if (old.Key == null) continue;
            if (access != null) access[n >> EntryShift][n & EntryMask] = AccessAt(i);
            ref Entry e = ref entries[n >> EntryShift][n & EntryMask];
            e = old;
            uint b = e.Hash & mask;
            ref int bucket = ref buckets[b >> BucketShift][b & BucketMask];
            e.Next = bucket - 1;
            bucket = n + 1;
            n++;
        }
        _epoch++;
        _entries = entries;
        _entryEpochs = EpochsFor(entries.Length);
        _access = access;
        _buckets = buckets;
        _bucketEpochs = EpochsFor(buckets.Length);
        _bucketCount = bucketCount;
        _capacity = capacity;
        _used = n;
        _freeList = -1;
        _freeCount = 0;
    }

    private int[] EpochsFor(int chunks)
    {
        var epochs = new int[chunks];
        Array.Fill(epochs, _epoch);
        return epochs;
    }

    /// <summary>Chunks holding <paramref name="count"/> items: one array when it fits in a chunk, else full chunks.</summary>
    private static T[][] AllocateChunks<T>(int count, int shift)
    {
        int chunkSize = 1 << shift;
        if (count <= chunkSize) return [new T[count]];
        var chunks = new T[(count + chunkSize - 1) >> shift][];
        for (int i = 0; i < chunks.Length; i++) chunks[i] = new T[chunkSize];
        return chunks;
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
