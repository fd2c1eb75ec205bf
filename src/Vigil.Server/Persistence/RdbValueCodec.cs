using Vigil.Server.Storage;

namespace Vigil.Server.Persistence;

/// <summary>
/// Values in RDB form: Vigil writes the encodings Redis 7.0 writes (a small hash as a listpack, a
/// large one as RDB_TYPE_HASH; an intset as is, other sets as RDB_TYPE_SET; ...) and reads every
/// encoding Redis 7.0 writes, the older zipmap/ziplist-era ones, and 7.2's listpack sets. Loaded collections take the encoding the reader's limits call for.
/// Also the DUMP/RESTORE payload body.
/// A collection without elements reads as null where Redis's rdbLoadObject answers RDB_LOAD_ERR_EMPTY_KEY
/// (files written by old Redis bugs held some): loading a file skips the key, RESTORE refuses it.
/// </summary>
public static class RdbValueCodec
{
    public static void WriteTypeAndValue(RdbWriter w, byte[] key, object value)
    {
        w.WriteByte(TypeOf(value));
        w.WriteString(key);
        WriteValue(w, value);
    }

    public static byte TypeOf(object value) => value switch
    {
        byte[] => RdbFormat.TypeString,
        RedisList => RdbFormat.TypeListQuicklist2,
        RedisHash hash => hash.IsPacked ? RdbFormat.TypeHashListpack : RdbFormat.TypeHash,
        RedisSet set => set.IsIntSet ? RdbFormat.TypeSetIntset : RdbFormat.TypeSet,
        RedisSortedSet sortedSet => RdbSortedSetCodec.TypeOf(sortedSet),
        _ => throw new InvalidOperationException($"no RDB form for {value.GetType().Name}"),
    };

    public static void WriteValue(RdbWriter w, object value)
    {
        switch (value)
        {
            case byte[] s:
                w.WriteString(s);
                break;
            case RedisList list:
                RdbListCodec.Write(w, list);
                break;
            case RedisHash hash:
                WriteHash(w, hash);
                break;
            case RedisSet set:
                WriteSet(w, set);
                break;
            case RedisSortedSet sortedSet:
                RdbSortedSetCodec.Write(w, sortedSet);
                break;
            default:
                throw new InvalidOperationException($"no RDB form for {value.GetType().Name}");
        }
    }

    public static object? ReadValue(RdbReader r, byte type)
    {
        switch (type)
        {
            case RdbFormat.TypeString:
                return r.ReadString();
            case RdbFormat.TypeList or RdbFormat.TypeListZiplist or RdbFormat.TypeListQuicklist or RdbFormat.TypeListQuicklist2:
                return RdbListCodec.Read(r, type);
            case RdbFormat.TypeHash:
                return ReadHash(r);
            case RdbFormat.TypeHashZipmap:
                return HashFromItems(r, Decode(r, PackedEncodings.DecodeZipmap));
            case RdbFormat.TypeHashZiplist:
                return HashFromItems(r, Decode(r, PackedEncodings.DecodeZiplist));
            case RdbFormat.TypeHashListpack:
                return HashFromItems(r, Decode(r, PackedEncodings.DecodeListpack));
            case RdbFormat.TypeSet:
                return ReadSet(r);
            case RdbFormat.TypeSetIntset:
                return ReadIntSet(r);
            case RdbFormat.TypeSetListpack:
                return SetFromItems(r, Decode(r, PackedEncodings.DecodeListpack));
            case RdbFormat.TypeZset:
            case RdbFormat.TypeZset2:
                return RdbSortedSetCodec.ReadSkiplist(r, binaryScores: type == RdbFormat.TypeZset2);
            case RdbFormat.TypeZsetZiplist:
                return RdbSortedSetCodec.FromPairs(r, Decode(r, PackedEncodings.DecodeZiplist));
            case RdbFormat.TypeZsetListpack:
                return RdbSortedSetCodec.FromPairs(r, Decode(r, PackedEncodings.DecodeListpack));
            default:
                throw r.Error($"Unknown RDB encoding type {type} ({RdbFormat.TypeName(type)})");
        }
    }

    private static void WriteHash(RdbWriter w, RedisHash hash)
    {
        if (hash.IsPacked)
        {
            var listpack = new ListpackBuilder();
            foreach (var pair in hash)
            {
                listpack.Add(pair.Field);
                listpack.Add(pair.Value);
            }
            w.WriteString(listpack.Finish());
            return;
        }
        w.WriteLength((ulong)hash.Count);
        foreach (var pair in hash)
        {
            w.WriteString(pair.Field);
            w.WriteString(pair.Value);
        }
    }

    /// <summary>RDB_TYPE_HASH: a count, then field and value strings.</summary>
    private static RedisHash? ReadHash(RdbReader r)
    {
        int pairs = r.ReadCount();
        if (pairs == 0) return null;
        var hash = new RedisHash();
        var limits = r.Limits;
        for (int i = 0; i < pairs; i++)
        {
            var field = r.ReadString();
            var value = r.ReadString();
            if (!hash.Set(field, value, limits)) throw r.Error("Duplicate hash fields detected");
        }
        return hash;
    }

    /// <summary>A hash from the alternating fields and values of a zipmap, ziplist or listpack.</summary>
    private static RedisHash? HashFromItems(RdbReader r, List<byte[]> items)
    {
        if (items.Count % 2 != 0) throw r.Error("Hash listpack has an odd number of entries");
        if (items.Count == 0) return null;
        var hash = new RedisHash();
        var limits = r.Limits;
        for (int i = 0; i < items.Count; i += 2)
        {
            if (!hash.Set(items[i], items[i + 1], limits)) throw r.Error("Duplicate hash fields detected");
        }
        return hash;
    }

    private static void WriteSet(RdbWriter w, RedisSet set)
    {
        if (set.IsIntSet)
        {
            w.WriteString(set.IntSetBlob);
            return;
        }
        w.WriteLength((ulong)set.Count);
        foreach (var member in set) w.WriteString(member.Bytes!);
    }

    /// <summary>RDB_TYPE_SET: a count, then member strings.</summary>
    private static RedisSet? ReadSet(RdbReader r)
    {
        int count = r.ReadCount();
        if (count == 0) return null;
        var set = new RedisSet();
        var limits = r.Limits;
        for (int i = 0; i < count; i++)
        {
            if (!set.Add(r.ReadString(), limits)) throw r.Error("Duplicate set members detected");
        }
        return set;
    }

    /// <summary>RDB_TYPE_SET_INTSET: the intset blob, adopted as is once checked (an empty one fails the check, as in Redis).</summary>
    private static RedisSet ReadIntSet(RdbReader r)
    {
        var set = RedisSet.FromIntSetBlob(r.ReadString(), r.Limits);
        if (set == null || set.Count == 0) throw r.Error("Intset integrity check failed");
        return set;
    }

    /// <summary>RDB_TYPE_SET_LISTPACK (Redis 7.2): members in a listpack.</summary>
    private static RedisSet? SetFromItems(RdbReader r, List<byte[]> items)
    {
        if (items.Count == 0) return null;
        var set = new RedisSet();
        var limits = r.Limits;
        foreach (var item in items)
        {
            if (!set.Add(item, limits)) throw r.Error("Duplicate set members detected");
        }
        return set;
    }

    /// <summary>Reads a string and decodes the packed blob inside it; a corrupt blob is a format error.</summary>
    internal static List<byte[]> Decode(RdbReader r, PackedDecoder decoder)
    {
        var blob = r.ReadString();
        try
        {
            return decoder(blob);
        }
        catch (InvalidDataException e)
        {
            throw r.Error(e.Message);
        }
    }

    internal delegate List<byte[]> PackedDecoder(ReadOnlySpan<byte> blob);
}
