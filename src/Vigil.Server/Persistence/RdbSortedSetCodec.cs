using Vigil.Protocol;
using Vigil.Server.Commands;
using Vigil.Server.Storage;

namespace Vigil.Server.Persistence;

/// <summary>
/// Sorted sets in RDB form (rdb.c), as Redis 7.0 writes them: a listpack set as one listpack blob
/// of member, score pairs (RDB_TYPE_ZSET_LISTPACK), a skiplist set as a count then member and
/// binary double from the highest element down (RDB_TYPE_ZSET_2). Reads those and the older
/// RDB_TYPE_ZSET (text scores) and RDB_TYPE_ZSET_ZIPLIST.
/// </summary>
public static class RdbSortedSetCodec
{
    public static byte TypeOf(RedisSortedSet set) => set.IsListpack ? RdbFormat.TypeZsetListpack : RdbFormat.TypeZset2;

    public static void Write(RdbWriter w, RedisSortedSet set)
    {
        if (set.IsListpack)
        {
            w.WriteString(ToListpack(set));
            return;
        }
        w.WriteLength((ulong)set.Count);
        for (var node = set.Last; node != null; node = node.Previous)
        {
            w.WriteString(node.Member);
            w.WriteBinaryDouble(node.Score);
        }
    }

    /// <summary>The listpack Redis holds for a small set: members and scores, integral scores as integers.</summary>
    public static ReadOnlySpan<byte> ToListpack(RedisSortedSet set)
    {
        var listpack = new ListpackBuilder();
        Span<byte> text = stackalloc byte[RedisNumbers.MaxDoubleChars];
        for (var node = set.First; node != null; node = node.Next)
        {
            listpack.Add(node.Member);
            if (SortedSetCommands.TryGetIntegralScore(node.Score, out long integral)) listpack.Add(integral);
            else listpack.Add(text[..RedisNumbers.FormatDouble(node.Score, text)]);
        }
        return listpack.Finish();
    }

    /// <summary>RDB_TYPE_ZSET (<paramref name="binaryScores"/> false) and RDB_TYPE_ZSET_2.</summary>
    public static RedisSortedSet? ReadSkiplist(RdbReader r, bool binaryScores)
    {
        int count = r.ReadCount();
        if (count == 0) return null;
        var set = RedisSortedSet.CreateSkiplist();
        var limits = r.Limits;
        for (int i = 0; i < count; i++)
        {
            var member = r.ReadString();
            double score = binaryScores ? r.ReadBinaryDouble() : r.ReadTextDouble();
            if (double.IsNaN(score)) throw r.Error("Zset with NAN score detected");
            if (set.Find(member) != null) throw r.Error("Duplicate zset fields detected");
            set.Insert(member, score, limits);
        }
        // Converted after loading, since the elements do not arrive in order.
        set.ConvertToListpackIfFits(limits);
        return set;
    }

    /// <summary>RDB_TYPE_ZSET_LISTPACK and RDB_TYPE_ZSET_ZIPLIST: alternating members and scores; null when there are none.</summary>
    public static RedisSortedSet? FromPairs(RdbReader r, List<byte[]> items)
    {
        if (items.Count % 2 != 0) throw r.Error("Zset listpack has an odd number of entries");
        if (items.Count == 0) return null;
        var set = RedisSortedSet.CreateSkiplist();
        for (int i = 0; i < items.Count; i += 2)
        {
            var text = items[i + 1];
            double score = Strtod.Parse(text, out int consumed, out _);
            if (consumed != text.Length || double.IsNaN(score)) throw r.Error("Zset listpack has an invalid score");
            if (set.Find(items[i]) != null) throw r.Error("Duplicate zset fields detected");
            set.Insert(items[i], score, r.Limits);
        }
        // Redis keeps a loaded listpack as it is unless it has too many entries, whatever their length.
        if (set.Count <= r.Limits.ZsetMaxListpackEntries) set.ConvertToListpack();
        return set;
    }
}
