using Vigil.Server.Clients;
using Vigil.Server.Storage;

namespace Vigil.Server.Transactions;

/// <summary>One key one client watches in one database (multi.c's watchedKey).</summary>
internal sealed class WatchedKey
{
    public WatchedKey(byte[] key, Database db, Client client, bool expired)
    {
        Key = key;
        Db = db;
        Client = client;
        Expired = expired;
    }

    public byte[] Key { get; }

    public Database Db { get; }

    public Client Client { get; }

    /// <summary>The key was already logically expired when WATCH ran: its deletion is no change.</summary>
    public bool Expired { get; set; }
}

/// <summary>
/// WATCH: per database, the watchers of each key, so that a write marks them CLIENT_DIRTY_CAS
/// (touchWatchedKey), and so do FLUSHDB, FLUSHALL and SWAPDB for keys that exist on either side
/// (touchAllWatchedKeysInDb), with Redis 7.0's handling of keys that were expired at WATCH time.
/// A dirtied client stops watching at once, as in Redis: EXEC will fail whatever happens next.
/// </summary>
internal sealed class WatchRegistry
{
    private readonly VigilServer _server;
    private readonly KeyTable<List<WatchedKey>>?[] _byDb;
    private readonly List<Client> _touched = new();
    private int _watchedKeys;
    private int _watchingClients;

    public WatchRegistry(VigilServer server)
    {
        _server = server;
        _byDb = new KeyTable<List<WatchedKey>>?[server.Keyspace.DatabaseCount];
        server.Keyspace.KeyModified += OnKeyModified;
        server.Keyspace.DatabaseReplacing += OnDatabaseReplacing;
    }

    public void Watch(Client client, TransactionState state, Database db, ReadOnlySpan<byte> key)
    {
        foreach (var watched in state.Watched)
        {
            if (watched.Db == db && key.SequenceEqual(watched.Key)) return;
        }
        var table = _byDb[db.Id] ??= new KeyTable<List<WatchedKey>>();
        int slot = table.FindOrAdd(key, KeyTable<List<WatchedKey>>.HashOf(key), out bool added);
        if (added)
        {
            table.WritableValueAt(slot) = new List<WatchedKey>(1);
            _watchedKeys++;
        }
        var wk = new WatchedKey(table.KeyAt(slot)!, db, client, IsLogicallyExpired(db, key));
        table.ValueAt(slot).Add(wk);
        if (state.Watched.Count == 0) _watchingClients++;
        state.Watched.Add(wk);
        UpdateStats();
    }

    public void UnwatchAll(TransactionState state)
    {
        if (state.Watched.Count == 0) return;
        foreach (var wk in state.Watched)
        {
            var table = _byDb[wk.Db.Id]!;
            uint hash = KeyTable<List<WatchedKey>>.HashOf(wk.Key);
            int slot = table.Find(wk.Key, hash);
            if (slot < 0) continue;
            var watchers = table.ValueAt(slot);
            watchers.Remove(wk);
            if (watchers.Count == 0)
            {
                table.Remove(wk.Key, hash, out _);
                _watchedKeys--;
            }
        }
        state.Watched.Clear();
        _watchingClients--;
        UpdateStats();
    }

    /// <summary>EXEC's check: a watched key that was alive at WATCH time has expired since (isWatchedKeyExpired).</summary>
    public bool AnyExpiredSinceWatch(TransactionState state)
    {
        foreach (var wk in state.Watched)
        {
            if (!wk.Expired && IsLogicallyExpired(wk.Db, wk.Key)) return true;
        }
        return false;
    }

    private void OnKeyModified(Database db, ReadOnlySpan<byte> key)
    {
        if (_watchedKeys == 0) return;
        var table = _byDb[db.Id];
        if (table == null || table.Count == 0) return;
        int slot = table.Find(key);
        if (slot < 0) return;
        foreach (var wk in table.ValueAt(slot))
        {
            // Deleting a key that was already expired when watched changes nothing logically. Any
            // other write counts, also one that overwrote the expired value without deleting it
            // first (Redis deletes it on lookup, clearing the flag, then the write touches it).
            if (wk.Expired && !IsPresent(db, key))
            {
                wk.Expired = false;
                continue;
            }
            _touched.Add(wk.Client);
        }
        DirtyTouchedClients();
    }

    private void OnDatabaseReplacing(Database emptied, Database? replacement)
    {
        if (_watchedKeys == 0) return;
        var table = _byDb[emptied.Id];
        if (table == null || table.Count == 0) return;
        for (int slot = 0; slot < table.SlotCount; slot++)
        {
            var key = table.KeyAt(slot);
            if (key == null) continue;
            bool inEmptied = IsPresent(emptied, key);
            bool inReplacement = replacement != null && IsPresent(replacement, key);
            if (!inEmptied && !inReplacement) continue;
            foreach (var wk in table.ValueAt(slot))
            {
                if (wk.Expired)
                {
                    // An expired key that goes away is no change; one replaced by another expired key neither.
                    if (!inReplacement)
                    {
                        wk.Expired = false;
                        continue;
                    }
                    if (IsLogicallyExpired(replacement!, key)) continue;
                }
                else if (!inEmptied && IsLogicallyExpired(replacement!, key))
                {
                    // A missing key replaced by an expired one: still logically missing.
                    wk.Expired = true;
                    continue;
                }
                _touched.Add(wk.Client);
            }
        }
        DirtyTouchedClients();
    }

    private void DirtyTouchedClients()
    {
        if (_touched.Count == 0) return;
        foreach (var client in _touched)
        {
            client.Flags |= ClientFlags.DirtyCas;
            var state = client.GetExtension<TransactionState>();
            if (state != null) UnwatchAll(state);
        }
        _touched.Clear();
    }

    private static bool IsPresent(Database db, ReadOnlySpan<byte> key) => db.Main.Find(key) >= 0;

    /// <summary>keyIsExpired: the key has a TTL that has passed, whether or not it was deleted yet.</summary>
    private static bool IsLogicallyExpired(Database db, ReadOnlySpan<byte> key)
    {
        long when = db.GetExpire(key);
        return when >= 0 && when <= db.Keyspace.Now;
    }

    private void UpdateStats()
    {
        _server.Stats.WatchedKeys = _watchedKeys;
        _server.Stats.WatchingClients = _watchingClients;
    }
}
