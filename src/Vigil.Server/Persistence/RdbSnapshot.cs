using Vigil.Server.Storage;

namespace Vigil.Server.Persistence;

/// <summary>
/// A point-in-time view of every database for writing an RDB (to a file, an AOF base, or a
/// replica's socket) while clients go on reading and writing. Taking it costs O(chunks), not
/// O(keys): each key table hands out a frozen view of its chunks and copies a chunk before its
/// first write afterwards (<see cref="KeyTable{TValue}.Freeze"/>); collections are cloned by
/// write commands before they change them (<see cref="SnapshotGuard"/>). Strings are immutable.
/// Dispose it when written, from any thread: until then the live tables keep copying.
/// </summary>
public sealed class RdbSnapshot : IDisposable
{
    /// <summary>One non-empty database: its keys and values, and its expiry times (absolute Unix ms).</summary>
    public sealed class DatabaseView
    {
        private readonly KeyTable<object> _main;
        private readonly KeyTable<long> _expires;
        private readonly long _copiedAtCapture;

        internal DatabaseView(int index, KeyTable<object> main, KeyTable<long> expires)
        {
            Index = index;
            _main = main;
            _expires = expires;
            Main = main.Freeze();
            Expires = expires.Freeze();
            _copiedAtCapture = main.CopiedBytes + expires.CopiedBytes;
        }

        /// <summary>Bytes the live tables copied so far because this view shares their chunks (at most).</summary>
        internal long CopiedBytes => _main.CopiedBytes + _expires.CopiedBytes - _copiedAtCapture;

        public int Index { get; }

        public KeyTable<object>.View Main { get; }

        public KeyTable<long>.View Expires { get; }

        internal void Release()
        {
            _main.Release(Main);
            _expires.Release(Expires);
        }
    }

    private readonly VigilServer _server;
    private readonly SnapshotGuard _guard;
    private bool _disposed;

    private RdbSnapshot(VigilServer server, List<DatabaseView> databases, SnapshotGuard guard, long createdUnixMs)
    {
        _server = server;
        _guard = guard;
        Databases = databases;
        CreatedUnixMs = createdUnixMs;
    }

    public IReadOnlyList<DatabaseView> Databases { get; }

    public long CreatedUnixMs { get; }

    /// <summary>
    /// What keeping the view has cost so far: key-table chunks copied since it was taken, and the
    /// collections cloned (INFO current_cow_size, rdb_last_cow_size).
    /// </summary>
    public long CopiedBytes
    {
        get
        {
            long n = _guard.ClonedBytes;
            foreach (var db in Databases) n += db.CopiedBytes;
            return n;
        }
    }

    /// <summary>
    /// The replication history at the moment of the view (rdbPopulateSaveInfo), for the RDB's aux
    /// fields: taken with the data, so that a node restarted from the file continues at the right offset.
    /// </summary>
    public RdbFile.ReplicationInfo? Replication { get; private init; }

    /// <summary>Keys in the view, for progress reports.</summary>
    public long KeyCount
    {
        get
        {
            long n = 0;
            foreach (var db in Databases) n += db.Main.Count;
            return n;
        }
    }

    /// <summary>Takes the view. Call under the keyspace lock (<see cref="VigilServer.Sync"/>).</summary>
    public static RdbSnapshot Capture(VigilServer server)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var keyspace = server.Keyspace;
        var views = new List<DatabaseView>();
        for (int i = 0; i < keyspace.DatabaseCount; i++)
        {
            var db = keyspace[i];
            if (db.Count > 0) views.Add(new DatabaseView(i, db.Main, db.Expires));
        }
        // Clones made for an earlier, still open snapshot are in this one: start a new record.
        var guard = new SnapshotGuard();
        keyspace.CopyOnWrite = guard;
        keyspace.OpenSnapshots++;
        var snapshot = new RdbSnapshot(server, views, guard, keyspace.Now) { Replication = server.Persistence.ReplicationInfo?.Invoke() };
        server.Stats.LatestForkMicroseconds = (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        server.Stats.TotalForks++;
        return snapshot;
    }

    /// <summary>Ends the view: once none is open, writes stop copying.</summary>
    public void Dispose()
    {
        lock (_server.Sync)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var db in Databases) db.Release();
            var keyspace = _server.Keyspace;
            if (--keyspace.OpenSnapshots == 0) keyspace.CopyOnWrite = null;
        }
    }
}
