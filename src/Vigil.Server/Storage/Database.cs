namespace Vigil.Server.Storage;

/// <summary>
/// One numbered database: keys to values, and keys to expiry times (absolute Unix milliseconds),
/// kept apart as in Redis so that only keys with a TTL pay for one, and the active expiry cycle can
/// sample among them. Values are <c>byte[]</c> for strings, or the collection types.
/// All access happens under the server's keyspace lock.
/// </summary>
public sealed class Database
{
    private KeyTable<object> _main = new(trackAccess: true);
    private KeyTable<long> _expires = new();
    private readonly Keyspace _keyspace;

    internal Database(int id, Keyspace keyspace)
    {
        Id = id;
        _keyspace = keyspace;
    }

    public int Id { get; }

    public Keyspace Keyspace => _keyspace;

    public int Count => _main.Count;

    public int ExpiresCount => _expires.Count;

    /// <summary>Running estimate of the average remaining TTL in ms, kept by the active expiry cycle.</summary>
    public long AverageTtl { get; set; }

    /// <summary>
    /// Bytes of the keys and values (<see cref="ObjectSizes"/>), kept as they are stored, replaced,
    /// deleted and (see <see cref="MemoryCharges"/>) changed in place: used_memory's dataset.
    /// </summary>
    public long DataBytes { get; internal set; }

    /// <summary>Bytes of the key tables themselves (entries, access stamps, buckets, the expires table).</summary>
    public long TableBytes => _main.AllocatedBytes + _expires.AllocatedBytes;

    internal KeyTable<object> Main => _main;

    internal KeyTable<long> Expires => _expires;

    /// <summary>The value of <paramref name="key"/>, or null when absent or expired (lookupKey). Counts as an access.</summary>
    public object? Get(ReadOnlySpan<byte> key) => Lookup(key, touch: true);

    /// <summary>Like <see cref="Get"/> but leaves the key's access time alone (LOOKUP_NOTOUCH: TYPE, TTL, OBJECT...).</summary>
    public object? Peek(ReadOnlySpan<byte> key) => Lookup(key, touch: false);

    private object? Lookup(ReadOnlySpan<byte> key, bool touch)
    {
        uint hash = KeyTable<object>.HashOf(key);
        int slot = _main.Find(key, hash);
        if (slot < 0) return null;
        if (_expires.Count > 0 && ExpireIfNeeded(key, hash, slot)) return null;
        if (touch && !_keyspace.NoTouch)
        {
            ref uint stamp = ref _main.AccessAt(slot);
            stamp = KeyAccess.Touched(stamp, _keyspace);
        }
        var value = _main.ValueAt(slot);
        if (!_keyspace.InWriteCommand || value is not IRedisValue collection) return value;
        if (_keyspace.CopyOnWrite != null && _keyspace.CopyOnWrite.CloneIfShared(value) is IRedisValue clone)
        {
            // The write command may change the value in place: it gets a private copy, the open snapshot keeps the original.
            _main.WritableValueAt(slot) = clone;
            _keyspace.Charges.Note(this, clone, _keyspace.Charges.Release(collection));
            return clone;
        }
        _keyspace.Charges.Note(this, collection, collection.MemoryUsage);
        return value;
    }

    /// <summary>The access stamp of an existing key (see <see cref="KeyAccess"/>), or 0 when absent.</summary>
    public uint AccessStampOf(ReadOnlySpan<byte> key)
    {
        int slot = _main.Find(key);
        return slot < 0 ? 0 : _main.AccessAt(slot);
    }

    /// <summary>Gives an existing key the access stamp of the value it received from elsewhere (RENAME, MOVE keep it).</summary>
    public void SetAccessStamp(ReadOnlySpan<byte> key, uint stamp)
    {
        int slot = _main.Find(key);
        if (slot >= 0) _main.AccessAt(slot) = stamp;
    }

    public bool Exists(ReadOnlySpan<byte> key) => Get(key) != null;

    /// <summary>
    /// Stores <paramref name="value"/> under <paramref name="key"/>, replacing any previous value;
    /// the key's TTL is dropped unless <paramref name="keepTtl"/> (setKey).
    /// </summary>
    public void Set(ReadOnlySpan<byte> key, object value, bool keepTtl = false) => SetValue(key, value, keepTtl, readyWhenReplaced: true);

    /// <summary>
    /// setKey as the STORE commands (ZUNIONSTORE, ZRANGESTORE...) call it: like <see cref="Set"/>, but
    /// a key that already existed does not become ready for blocked clients (Redis 7.0's dbOverwrite
    /// signals nothing; only dbAdd does).
    /// </summary>
    public void Store(ReadOnlySpan<byte> key, object value) => SetValue(key, value, keepTtl: false, readyWhenReplaced: false);

    private void SetValue(ReadOnlySpan<byte> key, object value, bool keepTtl, bool readyWhenReplaced)
    {
        uint hash = KeyTable<object>.HashOf(key);
        int slot = _main.FindOrAdd(key, hash, out bool added);
        ref object stored = ref _main.WritableValueAt(slot);
        ref uint stamp = ref _main.AccessAt(slot);
        // Storing the same object again is an in-place update (an access); anything else is a new value.
        bool sameValue = !added && ReferenceEquals(stored, value);
        stamp = sameValue ? KeyAccess.Touched(stamp, _keyspace) : KeyAccess.NewStamp(_keyspace);
        DataBytes += added ? ObjectSizes.ByteArray(key.Length) : -_keyspace.Charges.Release(stored);
        DataBytes += Charge(value);
        stored = value;
        if (!added && !keepTtl && _expires.Count > 0) _expires.Remove(key, hash, out _);
        _keyspace.OnKeyModified(this, key);
        if (added) _keyspace.OnKeyAdded(this, key);
        if (!sameValue && value is IRedisValue && (added || readyWhenReplaced)) _keyspace.OnCollectionStored(this, key);
    }

    /// <summary>What storing <paramref name="value"/> costs; a write command's collection is noted, as it may still change.</summary>
    private long Charge(object value)
    {
        if (value is not IRedisValue collection) return ObjectSizes.Value(value);
        long bytes = collection.MemoryUsage;
        if (_keyspace.InWriteCommand) _keyspace.Charges.Note(this, collection, bytes);
        return bytes;
    }

    /// <summary>
    /// The string stored under <paramref name="key"/> as an array of the key's own: a shared integer
    /// (<see cref="SharedIntegers"/>) is replaced by a copy, as dbUnshareStringValue does, without
    /// counting as a change. For commands that mark the stored array (<see cref="StringEncodingMarks.MarkRaw"/>).
    /// </summary>
    public byte[] Unshare(ReadOnlySpan<byte> key, byte[] current)
    {
        if (!SharedIntegers.IsShared(current)) return current;
        var copy = (byte[])current.Clone();
        _main.WritableValueAt(_main.Find(key)) = copy;
        return copy;
    }

    /// <summary>Replaces the value of an existing key in place, keeping its TTL (for in-place updates).</summary>
    public void Overwrite(ReadOnlySpan<byte> key, object value) => Set(key, value, keepTtl: true);

    /// <summary>Tells watchers that the value of <paramref name="key"/> changed in place.</summary>
    public void SignalModified(ReadOnlySpan<byte> key) => _keyspace.OnKeyModified(this, key);

    public bool Delete(ReadOnlySpan<byte> key)
    {
        uint hash = KeyTable<object>.HashOf(key);
        int slot = _main.Find(key, hash);
        if (slot < 0) return false;
        if (_expires.Count > 0 && ExpireIfNeeded(key, hash, slot)) return false;
        RemoveAt(key, hash);
        _keyspace.OnKeyModified(this, key);
        return true;
    }

    /// <summary>Takes an existing key out of both tables and discharges its bytes.</summary>
    private void RemoveAt(ReadOnlySpan<byte> key, uint hash)
    {
        _main.Remove(key, hash, out var removed);
        DataBytes -= ObjectSizes.ByteArray(key.Length) + _keyspace.Charges.Release(removed);
        if (_expires.Count > 0) _expires.Remove(key, hash, out _);
    }

    /// <summary>The key's expiry as absolute Unix ms, or -1 when it has none (getExpire).</summary>
    public long GetExpire(ReadOnlySpan<byte> key)
    {
        if (_expires.Count == 0) return -1;
        ref readonly long when = ref _expires.FindValue(key, KeyTable<long>.HashOf(key));
        return System.Runtime.CompilerServices.Unsafe.IsNullRef(in when) ? -1 : when;
    }

    /// <summary>Sets the expiry of an existing key to absolute Unix ms <paramref name="when"/>.</summary>
    public void SetExpire(ReadOnlySpan<byte> key, long when)
    {
        uint hash = KeyTable<object>.HashOf(key);
        int slot = _main.Find(key, hash);
        if (slot < 0) return;
        int e = _expires.FindOrAdd(key, hash, out _, _main.KeyAt(slot));
        _expires.WritableValueAt(e) = when;
        _keyspace.OnKeyModified(this, key);
    }

    /// <summary>Removes the key's TTL; false when it had none.</summary>
    public bool Persist(ReadOnlySpan<byte> key)
    {
        if (_expires.Count == 0 || !_expires.Remove(key, KeyTable<long>.HashOf(key), out _)) return false;
        _keyspace.OnKeyModified(this, key);
        return true;
    }

    /// <summary>A random key that is not logically expired, or null (RANDOMKEY).</summary>
    public byte[]? RandomKey(Random random)
    {
        // Like Redis, give up sampling after a bound when every key seems expired (replica case).
        for (int attempt = 0; attempt < 100 && _main.Count > 0; attempt++)
        {
            int slot = _main.RandomSlot(random);
            var key = _main.KeyAt(slot)!;
            if (_expires.Count == 0) return key;
            long when = GetExpire(key);
            if (when < 0 || when > _keyspace.Now) return key;
            if (!_keyspace.IsReplica) ExpireIfNeeded(key, KeyTable<object>.HashOf(key), slot);
            else if (_keyspace.ApplyingMasterStream || attempt == 99) return key;
        }
        return null;
    }

    /// <summary>Removes every key.</summary>
    public void Clear()
    {
        _keyspace.OnDatabaseReplacing(this, null);
        _main = new KeyTable<object>(trackAccess: true);
        _expires = new KeyTable<long>();
        AverageTtl = 0;
        DataBytes = 0;
        _keyspace.OnDatabaseReplaced(this);
    }

    internal void SwapContents(Database other)
    {
        (_main, other._main) = (other._main, _main);
        (_expires, other._expires) = (other._expires, _expires);
        (AverageTtl, other.AverageTtl) = (other.AverageTtl, AverageTtl);
        (DataBytes, other.DataBytes) = (other.DataBytes, DataBytes);
    }

    /// <summary>True when the key is logically expired (expireIfNeeded). Deletes it unless this node is a replica.</summary>
    private bool ExpireIfNeeded(ReadOnlySpan<byte> key, uint hash, int slot)
    {
        ref readonly long when = ref _expires.FindValue(key, hash);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(in when) || when > _keyspace.Now) return false;
        // A replica leaves expiry to its master's DEL: the master's commands still see the key (as they
        // did on the master), everyone else sees it gone.
        if (_keyspace.IsReplica) return !_keyspace.ApplyingMasterStream;
        // CLIENT PAUSE keeps the dataset still: the key reads as gone but stays until the pause ends.
        if (_keyspace.DeletionsPaused) return true;
        var storedKey = _main.KeyAt(slot)!;
        DeleteExpired(storedKey, hash);
        return true;
    }

    /// <summary>
    /// Deletes a key chosen by maxmemory eviction (expired or not: it goes either way) and tells
    /// watchers. Returns the dataset bytes freed, or -1 when the key is not there (a ghost).
    /// </summary>
    internal long Evict(ReadOnlySpan<byte> key, uint hash)
    {
        if (_main.Find(key, hash) < 0) return -1;
        long before = DataBytes;
        RemoveAt(key, hash);
        _keyspace.OnKeyModified(this, key);
        return before - DataBytes;
    }

    /// <summary>Deletes a key whose TTL ran out and reports it (used by lazy and active expiry).</summary>
    internal void DeleteExpired(byte[] key, uint hash)
    {
        RemoveAt(key, hash);
        _keyspace.OnKeyModified(this, key);
        _keyspace.OnKeyExpired(this, key);
    }

    /// <summary>Visits keys for SCAN; see <see cref="KeyTable{TValue}.Scan{TState}"/>.</summary>
    public ulong Scan<TState>(ulong cursor, int count, ref TState state, KeyTable<object>.ScanVisitor<TState> visitor) =>
        _main.Scan(cursor, count, ref state, visitor);

    public byte[] KeyAt(int slot) => _main.KeyAt(slot)!;

    public object ValueAt(int slot) => _main.ValueAt(slot);

    public int SlotCount => _main.SlotCount;

    /// <summary>True when the key at <paramref name="slot"/> is logically expired (without deleting it).</summary>
    public bool IsExpiredAt(int slot)
    {
        if (_expires.Count == 0) return false;
        long when = GetExpire(_main.KeyAt(slot)!);
        return when >= 0 && when <= _keyspace.Now;
    }
}
