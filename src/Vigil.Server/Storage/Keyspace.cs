namespace Vigil.Server.Storage;

/// <summary>
/// The databases and what every access to them shares: the command's clock (Redis evaluates
/// expiry against one time per command), whether this node is a replica (replicas never expire
/// keys themselves), and the hooks that writes and expirations call.
/// </summary>
public sealed class Keyspace
{
    private Database[] _databases;

    public Keyspace(int databaseCount)
    {
        _databases = new Database[databaseCount];
        for (int i = 0; i < databaseCount; i++) _databases[i] = new Database(i, this);
    }

    public int DatabaseCount => _databases.Length;

    public Database this[int index] => _databases[index];

    /// <summary>Unix time in milliseconds of the command being executed.</summary>
    public long Now { get; set; } = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>True on a replica: expired keys read as missing but are only deleted by the master's DEL.</summary>
    public bool IsReplica { get; set; }

    /// <summary>True while the master's replication stream is being applied (its writes see real state).</summary>
    public bool ApplyingMasterStream { get; set; }

    /// <summary>True under an LFU maxmemory-policy: key access stamps count frequency instead of recency.</summary>
    public bool LfuEnabled { get; set; }

    /// <summary>lfu-log-factor: how slowly the LFU counter saturates.</summary>
    public int LfuLogFactor { get; set; } = 10;

    /// <summary>lfu-decay-time: minutes for the LFU counter to decay by one.</summary>
    public int LfuDecayTime { get; set; } = 1;

    /// <summary>Set while a snapshot is being written: write commands copy collections before changing them.</summary>
    public Persistence.SnapshotGuard? CopyOnWrite { get; set; }

    /// <summary>True during CLIENT PAUSE: expired keys read as missing but are not deleted (as on a replica).</summary>
    public bool DeletionsPaused { get; set; }

    /// <summary>True while a CLIENT NO-TOUCH client's command runs: lookups do not count as accesses.</summary>
    public bool NoTouch { get; set; }

    /// <summary>Snapshots taken and not yet disposed (<see cref="Persistence.RdbSnapshot"/>).</summary>
    public int OpenSnapshots { get; set; }

    /// <summary>True while a command flagged write runs (its lookups may change the values they return).</summary>
    public bool InWriteCommand { get; set; }

    /// <summary>What write commands' collections were charged, until the command ends (see <see cref="SettleMemory"/>).</summary>
    internal MemoryCharges Charges { get; } = new();

    /// <summary>
    /// Charges the databases for the collections the write command that just ended changed in place.
    /// Called after every command (and after serving blocked clients), so that between commands
    /// every database's <see cref="Database.DataBytes"/> is exact.
    /// </summary>
    public void SettleMemory() => Charges.Settle();

    /// <summary>Bytes of every database's keys and values (used_memory_dataset's part).</summary>
    public long DataBytes()
    {
        long n = 0;
        foreach (var db in _databases) n += db.DataBytes;
        return n;
    }

    /// <summary>Bytes of every database's key tables (per-key overhead).</summary>
    public long TableBytes()
    {
        long n = 0;
        foreach (var db in _databases) n += db.TableBytes;
        return n;
    }

    /// <summary>Keys removed because their time to live ran out.</summary>
    public long ExpiredKeys { get; set; }

    /// <summary>Called for every key a write touches (WATCH, client-side caching).</summary>
    public event Action<Database, ReadOnlySpan<byte>>? KeyModified;

    /// <summary>
    /// Called when a key receives a new collection value (Redis's dbAdd: a push to a missing key,
    /// RENAME, MOVE, COPY, RESTORE...): clients blocked on the key may now be served.
    /// </summary>
    public event Action<Database, ReadOnlySpan<byte>>? CollectionStored;

    /// <summary>Called when a write creates a key that was not there (dbAdd: the "new" keyspace event).</summary>
    public event Action<Database, ReadOnlySpan<byte>>? KeyAdded;

    /// <summary>Called when a key is deleted because it expired (propagates DEL, notifies "expired").</summary>
    public event Action<Database, byte[]>? KeyExpired;

    /// <summary>Called when a database is emptied as a whole (FLUSHDB, FLUSHALL, SWAPDB).</summary>
    public event Action<Database>? DatabaseReplaced;

    /// <summary>
    /// Called just before a database's contents go: emptied (FLUSHDB, FLUSHALL; the replacement is
    /// null) or traded for the replacement's (SWAPDB). WATCH compares the keys on both sides.
    /// </summary>
    public event Action<Database, Database?>? DatabaseReplacing;

    /// <summary>Reads the wall clock into <see cref="Now"/>, and makes it the base that monotonic readings count from.</summary>
    public void UpdateClock()
    {
        Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _clockBaseMs = Now;
        _clockBaseTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// Sets <see cref="Now"/> from a Stopwatch reading the caller took anyway (the command's start):
    /// the wall clock as of the last <see cref="UpdateClock()"/> plus the time since, so a command
    /// costs one clock read instead of two. The wall clock is read again at least once a second
    /// (and on every cron tick), so a clock change shows within that.
    /// </summary>
    public void UpdateClock(long timestamp)
    {
        long elapsedMs = (timestamp - _clockBaseTimestamp) * 1000 / System.Diagnostics.Stopwatch.Frequency;
        if (elapsedMs is < 0 or >= 1000) UpdateClock();
        else Now = _clockBaseMs + elapsedMs;
    }

    private long _clockBaseMs;
    private long _clockBaseTimestamp;

    internal void OnKeyModified(Database db, ReadOnlySpan<byte> key) => KeyModified?.Invoke(db, key);

    internal void OnKeyAdded(Database db, ReadOnlySpan<byte> key) => KeyAdded?.Invoke(db, key);

    internal void OnCollectionStored(Database db, ReadOnlySpan<byte> key) => CollectionStored?.Invoke(db, key);

    internal void OnKeyExpired(Database db, byte[] key)
    {
        ExpiredKeys++;
        KeyExpired?.Invoke(db, key);
    }

    public void OnDatabaseReplaced(Database db) => DatabaseReplaced?.Invoke(db);

    internal void OnDatabaseReplacing(Database db, Database? replacement) => DatabaseReplacing?.Invoke(db, replacement);

    /// <summary>INFO keyspace: one line per database that has keys.</summary>
    internal void WriteInfo(System.Text.StringBuilder sb)
    {
        foreach (var db in _databases)
        {
            if (db.Count == 0) continue;
            sb.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"db{db.Id}:keys={db.Count},expires={db.ExpiresCount},avg_ttl={db.AverageTtl}\r\n");
        }
    }

    public long TotalKeys()
    {
        long n = 0;
        foreach (var db in _databases) n += db.Count;
        return n;
    }

    /// <summary>SWAPDB: the two databases trade contents; clients stay on their index.</summary>
    public void Swap(int a, int b)
    {
        if (a == b) return;
        OnDatabaseReplacing(_databases[a], _databases[b]);
        OnDatabaseReplacing(_databases[b], _databases[a]);
        _databases[a].SwapContents(_databases[b]);
        OnDatabaseReplaced(_databases[a]);
        OnDatabaseReplaced(_databases[b]);
    }

    /// <summary>
    /// Takes over the contents of <paramref name="loaded"/> (a dataset a replica loaded from its
    /// master's RDB), database by database, as SWAPDB trades them: watchers see the change.
    /// </summary>
    public void ReplaceWith(Keyspace loaded)
    {
        for (int i = 0; i < _databases.Length; i++)
        {
            var db = _databases[i];
            var incoming = loaded[i];
            OnDatabaseReplacing(db, incoming);
            db.SwapContents(incoming);
            OnDatabaseReplaced(db);
        }
    }

    public void FlushAll()
    {
        foreach (var db in _databases) db.Clear();
    }
}
