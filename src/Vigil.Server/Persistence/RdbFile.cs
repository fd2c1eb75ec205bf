using Vigil.Server.Storage;

namespace Vigil.Server.Persistence;

/// <summary>Whole RDB files: a snapshot out to a stream, and a stream into the keyspace (rdbSaveRio / rdbLoadRio).</summary>
public static class RdbFile
{
    /// <summary>Replication state written in aux fields and read back, so a restarted replica can PSYNC.</summary>
    public sealed record ReplicationInfo(string ReplId, long Offset, int StreamDb);

    /// <summary>
    /// Writes <paramref name="snapshot"/> as an RDB file. <paramref name="afterKey"/> runs after each
    /// key (progress, rdb-key-save-delay; it may throw to cancel).
    /// </summary>
    public static void Write(Stream output, RdbSnapshot snapshot, bool compress, bool checksum, long usedMemory,
        ReplicationInfo? replication = null, bool aofBase = false, Action? afterKey = null)
    {
        var w = new RdbWriter(output, compress, checksum);
        w.WriteHeader();
        w.WriteAux("redis-ver", Vigil.Server.ServerInfo.RedisVersion);
        w.WriteAux("redis-bits", 64);
        w.WriteAux("ctime", snapshot.CreatedUnixMs / 1000);
        w.WriteAux("used-mem", usedMemory);
        if (replication != null)
        {
            w.WriteAux("repl-stream-db", replication.StreamDb);
            w.WriteAux("repl-id", replication.ReplId);
            w.WriteAux("repl-offset", replication.Offset);
        }
        w.WriteAux("aof-base", aofBase ? 1 : 0);
        foreach (var db in snapshot.Databases)
        {
            var main = db.Main;
            var expires = db.Expires;
            w.WriteSelectDb(db.Index);
            w.WriteResizeDb(main.Count, expires.Count);
            for (int slot = 0; slot < main.SlotCount; slot++)
            {
                var key = main.KeyAt(slot);
                if (key == null) continue;
                if (expires.Count > 0 && expires.TryGetValue(key, main.HashAt(slot), out long when)) w.WriteExpireMs(when);
                RdbValueCodec.WriteTypeAndValue(w, key, main.ValueAt(slot));
                afterKey?.Invoke();
            }
        }
        w.WriteEnd();
    }

    /// <summary>What loading found besides the keys.</summary>
    public sealed class LoadResult
    {
        public long Keys { get; set; }
        public long ExpiredSkipped { get; set; }
        /// <summary>Keys holding an empty collection, skipped as Redis skips them; the first few are named in <see cref="EmptyKeysNamed"/>.</summary>
        public long EmptySkipped { get; set; }
        public List<byte[]> EmptyKeysNamed { get; } = new();
        public int Version { get; set; }

        /// <summary>Where the RDB ended in the stream (an old-style AOF continues with commands after it).</summary>
        public long EndOffset { get; set; }
        public ReplicationInfo? Replication { get; set; }
        public Dictionary<string, string> Aux { get; } = new();
    }

    /// <summary>
    /// Loads an RDB stream into <paramref name="keyspace"/> (which should be empty). Keys already
    /// expired are skipped unless <paramref name="keepExpired"/> (a replica keeps them for its master's DEL).
    /// Collections take the encodings <paramref name="limits"/> call for (the config's, as Redis loads).
    /// </summary>
    public static LoadResult Load(Stream input, Keyspace keyspace, bool keepExpired, long nowMs, Action? afterKey = null, EncodingLimits? limits = null,
        bool replaceExisting = false)
    {
        var r = new RdbReader(input) { Limits = limits ?? EncodingLimits.Default };
        try
        {
            return Load(r, keyspace, keepExpired, nowMs, afterKey, replaceExisting);
        }
        catch (Exception e) when (e is not (RdbFormatException or IOException or OperationCanceledException))
        {
            // A decoder tripped over corrupt data: report it as a format error, where it happened.
            throw r.Error($"Corrupt RDB data ({e.GetType().Name}: {e.Message})");
        }
    }

    private static LoadResult Load(RdbReader r, Keyspace keyspace, bool keepExpired, long nowMs, Action? afterKey, bool replaceExisting)
    {
        var result = new LoadResult { Version = r.ReadHeader() };
        Database? db = keyspace.DatabaseCount > 0 ? keyspace[0] : null;
        long expireAt = -1;
        string? replId = null;
        long replOffset = -1;
        int streamDb = -1;
        while (true)
        {
            byte type = r.ReadByte();
            switch (type)
            {
                case RdbFormat.OpExpireTime:
                    expireAt = r.ReadInt32LittleEndian() * 1000L;
                    continue;
                case RdbFormat.OpExpireTimeMs:
                    expireAt = r.ReadInt64LittleEndian();
                    continue;
                case RdbFormat.OpFreq:
                    r.ReadByte();
                    continue;
                case RdbFormat.OpIdle:
                    r.ReadLength();
                    continue;
                case RdbFormat.OpSelectDb:
                {
                    long index = r.ReadLength();
                    if (index >= keyspace.DatabaseCount)
                        throw r.Error($"FATAL: Data file was created with a Redis server configured to handle more than {keyspace.DatabaseCount} databases. Exiting");
                    db = keyspace[(int)index];
                    continue;
                }
                case RdbFormat.OpResizeDb:
                    r.ReadLength();
                    r.ReadLength();
                    continue;
                case RdbFormat.OpAux:
                {
                    string name = System.Text.Encoding.UTF8.GetString(r.ReadString());
                    string auxValue = System.Text.Encoding.UTF8.GetString(r.ReadString());
                    result.Aux[name] = auxValue;
                    if (name == "repl-id") replId = auxValue;
                    else if (name == "repl-offset") long.TryParse(auxValue, out replOffset);
                    else if (name == "repl-stream-db") int.TryParse(auxValue, out streamDb);
                    continue;
                }
                case RdbFormat.OpModuleAux:
                    throw r.Error("The RDB file contains AUX module data I can't load: no matching module");
                case RdbFormat.OpFunction:
                case RdbFormat.OpFunction2:
                    throw r.Error("The RDB file contains functions, which Vigil does not support");
                case RdbFormat.OpEof:
                    if (result.Version >= 5)
                    {
                        ulong computed = r.Checksum;
                        ulong stored = (ulong)r.ReadInt64LittleEndian();
                        if (stored != 0 && stored != computed)
                            throw r.Error("Wrong RDB checksum. Aborting now.");
                    }
                    if (replId != null && replOffset >= 0) result.Replication = new ReplicationInfo(replId, replOffset, streamDb);
                    result.EndOffset = r.Offset;
                    return result;
            }
            if (db == null) throw r.Error("No database selected");
            long keyOffset = r.Offset;
            var key = r.ReadString();
            object? value = RdbValueCodec.ReadValue(r, type);
            if (value == null)
            {
                if (result.EmptySkipped++ < 10) result.EmptyKeysNamed.Add(key);
            }
            else if (expireAt >= 0 && expireAt < nowMs && !keepExpired)
            {
                result.ExpiredSkipped++;
            }
            else
            {
                if (!replaceExisting && db.Exists(key)) throw new RdbFormatException(keyOffset, "Duplicate key '" + System.Text.Encoding.Latin1.GetString(key) + "' found in RDB file");
                db.Set(key, value);
                if (expireAt >= 0) db.SetExpire(key, expireAt);
                result.Keys++;
            }
            expireAt = -1;
            afterKey?.Invoke();
        }
    }
}
