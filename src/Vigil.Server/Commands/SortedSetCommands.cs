using Vigil.Protocol;
using Vigil.Server.PubSub;
using Vigil.Server.Storage;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>
/// Sorted set commands (t_zset.c): adding, removing, scores and ranks, pops, random members and
/// ZSCAN. Ranges live in <see cref="SortedSetRangeCommands"/>, set algebra in <see cref="SortedSetAlgebraCommands"/>.
/// </summary>
internal static class SortedSetCommands
{
    public const string Group = "sorted-set";
    private const string NaNScore = "ERR resulting score is not a number (NaN)";
    private const string NotPositive = "ERR value is out of range, must be positive";
    private const string OutOfRange = "ERR value is out of range";

    private static readonly byte[] ZPopMinName = "ZPOPMIN"u8.ToArray();
    private static readonly byte[] ZPopMaxName = "ZPOPMAX"u8.ToArray();

    // Commands run one at a time under the server lock, so one buffer serves every ZSCAN.
    private static readonly List<RedisSortedSet.Node> Scanned = new();

    public static void Register(VigilServer server)
    {
        var t = server.Commands;
        t.Add("zadd", -4, Write | DenyOom | Fast, 1, 1, 1, ctx => ZAdd(ctx, ZAddFlags.None), Group);
        t.Add("zincrby", 4, Write | DenyOom | Fast, 1, 1, 1, ctx => ZAdd(ctx, ZAddFlags.Incr), Group);
        t.Add("zrem", -3, Write | Fast, 1, 1, 1, ZRem, Group);
        t.Add("zcard", 2, ReadOnly | Fast, 1, 1, 1, ZCard, Group);
        t.Add("zscore", 3, ReadOnly | Fast, 1, 1, 1, ZScore, Group);
        t.Add("zmscore", -3, ReadOnly | Fast, 1, 1, 1, ZMScore, Group);
        t.Add("zrank", 3, ReadOnly | Fast, 1, 1, 1, ctx => ZRank(ctx, reverse: false), Group);
        t.Add("zrevrank", 3, ReadOnly | Fast, 1, 1, 1, ctx => ZRank(ctx, reverse: true), Group);
        t.Add("zpopmin", -2, Write | Fast, 1, 1, 1, ctx => ZPop(ctx, PopEnd.Min), Group);
        t.Add("zpopmax", -2, Write | Fast, 1, 1, 1, ctx => ZPop(ctx, PopEnd.Max), Group);
        t.Add("zmpop", -4, Write, 0, 0, 0, ZMPop, Group);
        t.Add("zrandmember", -2, ReadOnly, 1, 1, 1, ZRandMember, Group);
        t.Add("zscan", -3, ReadOnly, 1, 1, 1, ZScan, Group);
        SortedSetRangeCommands.Register(server);
        SortedSetAlgebraCommands.Register(server);
        SortedSetBlockingCommands.Register(server);
    }

    /// <summary>
    /// checkType for a sorted set: false (after a WRONGTYPE error) when <paramref name="value"/> is
    /// another type; otherwise <paramref name="set"/> is the set, or null for a missing key.
    /// </summary>
    public static bool TryCast(CommandContext ctx, object? value, out RedisSortedSet? set)
    {
        set = value as RedisSortedSet;
        if (value == null || set != null) return true;
        ctx.WrongType();
        return false;
    }

    /// <summary>One element of a reply: the member, then its score when asked (a [member, score] pair in RESP3).</summary>
    public static void WriteElement(CommandContext ctx, RedisSortedSet.Node node, bool withScores)
    {
        if (withScores && ctx.Reply.Version == RespVersion.Resp3) ctx.Reply.WriteArrayHeader(2);
        ctx.Reply.WriteBulkString(node.Member);
        if (withScores) ctx.Reply.WriteDouble(node.Score);
    }

    /// <summary>The length of an array of <paramref name="count"/> elements: flat member, score pairs in RESP2.</summary>
    public static int ReplyLength(CommandContext ctx, long count, bool withScores) =>
        (int)(withScores && ctx.Reply.Version != RespVersion.Resp3 ? count * 2 : count);

    /// <summary>Deletes the key of a set that became empty, with Redis's "del" event.</summary>
    public static void DeleteIfEmpty(CommandContext ctx, ReadOnlySpan<byte> key, RedisSortedSet set)
    {
        if (set.Count > 0) return;
        ctx.Db.Delete(key);
        ctx.Notify(KeyspaceEventType.Generic, "del", key);
    }

    /// <summary>zaddGenericCommand: ZADD with its options, and ZINCRBY (INCR).</summary>
    private static void ZAdd(CommandContext ctx, ZAddFlags flags)
    {
        bool ch = false;
        int scoreArg = 2;
        for (; scoreArg < ctx.ArgCount; scoreArg++)
        {
            if (ctx.ArgIs(scoreArg, "nx"u8)) flags |= ZAddFlags.Nx;
            else if (ctx.ArgIs(scoreArg, "xx"u8)) flags |= ZAddFlags.Xx;
            else if (ctx.ArgIs(scoreArg, "ch"u8)) ch = true;
            else if (ctx.ArgIs(scoreArg, "incr"u8)) flags |= ZAddFlags.Incr;
            else if (ctx.ArgIs(scoreArg, "gt"u8)) flags |= ZAddFlags.Gt;
            else if (ctx.ArgIs(scoreArg, "lt"u8)) flags |= ZAddFlags.Lt;
            else break;
        }
        int elements = ctx.ArgCount - scoreArg;
        if (elements % 2 != 0 || elements == 0)
        {
            ctx.SyntaxError();
            return;
        }
        elements /= 2;
        bool incr = (flags & ZAddFlags.Incr) != 0;
        if ((flags & (ZAddFlags.Nx | ZAddFlags.Xx)) == (ZAddFlags.Nx | ZAddFlags.Xx))
        {
            ctx.Error("ERR XX and NX options at the same time are not compatible");
            return;
        }
        int exclusive = ((flags & ZAddFlags.Gt) != 0 ? 1 : 0) + ((flags & ZAddFlags.Lt) != 0 ? 1 : 0) + ((flags & ZAddFlags.Nx) != 0 ? 1 : 0);
        if (exclusive > 1)
        {
            ctx.Error("ERR GT, LT, and/or NX options at the same time are not compatible");
            return;
        }
        if (incr && elements > 1)
        {
            ctx.Error("ERR INCR option supports a single increment-element pair");
            return;
        }
        // Every score is checked before anything changes: the command applies fully or not at all.
        for (int i = 0; i < elements; i++)
        {
            if (!Strtod.TryParseString2d(ctx.Arg(scoreArg + i * 2), out _))
            {
                ctx.Error(Errors.NotFloat);
                return;
            }
        }

        var key = ctx.Arg(1);
        if (!TryCast(ctx, ctx.Db.Get(key), out var set)) return;
        var limits = EncodingLimits.From(ctx.Server.Config);
        long added = 0, updated = 0, processed = 0;
        double score = 0;
        if (set == null && (flags & ZAddFlags.Xx) == 0)
        {
            set = RedisSortedSet.Create(limits, ctx.Arg(scoreArg + 1).Length);
            ctx.Db.Set(key, set);
        }
        if (set != null)
        {
            for (int i = 0; i < elements; i++)
            {
                Strtod.TryParseString2d(ctx.Arg(scoreArg + i * 2), out score);
                var outcome = set.Add(ctx.Arg(scoreArg + i * 2 + 1), score, flags, limits, out score);
                if (outcome == ZAddOutcome.NaN)
                {
                    ctx.Error(NaNScore);
                    break;
                }
                if (outcome == ZAddOutcome.Added) added++;
                else if (outcome == ZAddOutcome.Updated) updated++;
                if (outcome != ZAddOutcome.Nop) processed++;
            }
        }
        if (!ctx.Failed)
        {
            if (!incr) ctx.Reply.WriteInteger(ch ? added + updated : added);
            else if (processed > 0) ctx.Reply.WriteDouble(score);
            else ctx.Reply.WriteNull();
        }
        if (added + updated == 0) return;
        ctx.Db.SignalModified(key);
        ctx.Notify(KeyspaceEventType.SortedSet, incr ? "zincr" : "zadd", key);
        ctx.MarkDirty(added + updated);
    }

    private static void ZRem(CommandContext ctx)
    {
        var key = ctx.Arg(1);
        if (!TryCast(ctx, ctx.Db.Get(key), out var set)) return;
        MemberRemoval.RemoveArguments(ctx, key, set, KeyspaceEventType.SortedSet, "zrem");
    }

    private static void ZCard(CommandContext ctx)
    {
        if (!TryCast(ctx, KeyLookup.Read(ctx, ctx.Arg(1)), out var set)) return;
        ctx.Reply.WriteInteger(set?.Count ?? 0);
    }

    private static void ZScore(CommandContext ctx)
    {
        if (!TryCast(ctx, KeyLookup.Read(ctx, ctx.Arg(1)), out var set)) return;
        if (set != null && set.TryGetScore(ctx.Arg(2), out double score)) ctx.Reply.WriteDouble(score);
        else ctx.Reply.WriteNull();
    }

    private static void ZMScore(CommandContext ctx)
    {
        if (!TryCast(ctx, KeyLookup.Read(ctx, ctx.Arg(1)), out var set)) return;
        ctx.Reply.WriteArrayHeader(ctx.ArgCount - 2);
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            if (set != null && set.TryGetScore(ctx.Arg(i), out double score)) ctx.Reply.WriteDouble(score);
            else ctx.Reply.WriteNull();
        }
    }

    private static void ZRank(CommandContext ctx, bool reverse)
    {
        if (!TryCast(ctx, KeyLookup.Read(ctx, ctx.Arg(1)), out var set)) return;
        var node = set?.Find(ctx.Arg(2));
        if (node == null)
        {
            ctx.Reply.WriteNull();
            return;
        }
        long rank = set!.RankOf(node);
        ctx.Reply.WriteInteger(reverse ? set.Count - 1 - rank : rank);
    }

    public enum PopEnd
    {
        Min,
        Max,
    }

    /// <summary>How a pop replies (the use_nested_array / emitkey combinations of genericZpopCommand).</summary>
    public enum PopReply
    {
        /// <summary>ZPOPMIN/ZPOPMAX in RESP2 or without a count: member, score, member, score...</summary>
        Flat,
        /// <summary>ZPOPMIN/ZPOPMAX with a count in RESP3: [member, score] pairs.</summary>
        Pairs,
        /// <summary>BZPOPMIN/BZPOPMAX: key, member, score.</summary>
        KeyAndElement,
        /// <summary>ZMPOP/BZMPOP: key, then an array of [member, score] pairs.</summary>
        KeyAndPairs,
    }

    private static void ZPop(CommandContext ctx, PopEnd end)
    {
        if (ctx.ArgCount > 3)
        {
            ctx.SyntaxError();
            return;
        }
        long count = -1;
        if (ctx.ArgCount == 3)
        {
            if (!RedisNumbers.TryParseInt64(ctx.Arg(2), out count) || count < 0)
            {
                ctx.Error(NotPositive);
                return;
            }
        }
        var key = ctx.Arg(1);
        if (!TryCast(ctx, ctx.Db.Get(key), out var set)) return;
        if (set == null || count == 0)
        {
            ctx.Reply.WriteArrayHeader(0);
            return;
        }
        bool pairs = count != -1 && ctx.Reply.Version == RespVersion.Resp3;
        Pop(ctx, key, set, end, Math.Max(count, 1), pairs ? PopReply.Pairs : PopReply.Flat);
    }

    /// <summary>
    /// genericZpopCommand on a non-empty set: pops up to <paramref name="count"/> elements from one
    /// end, replies in the given shape, notifies, and deletes the key when it empties. Returns how
    /// many it popped.
    /// </summary>
    public static long Pop(CommandContext ctx, ReadOnlySpan<byte> key, RedisSortedSet set, PopEnd end, long count, PopReply shape)
    {
        long taken = Math.Min(count, set.Count);
        var reply = ctx.Reply;
        switch (shape)
        {
            case PopReply.Flat:
                reply.WriteArrayHeader((int)(taken * 2));
                break;
            case PopReply.Pairs:
                reply.WriteArrayHeader((int)taken);
                break;
            case PopReply.KeyAndElement:
                reply.WriteArrayHeader((int)(taken * 2 + 1));
                reply.WriteBulkString(key);
                break;
            case PopReply.KeyAndPairs:
                reply.WriteArrayHeader(2);
                reply.WriteBulkString(key);
                reply.WriteArrayHeader((int)taken);
                break;
        }
        bool pairs = shape is PopReply.Pairs or PopReply.KeyAndPairs;
        var node = end == PopEnd.Min ? set.First : set.Last;
        for (long i = 0; i < taken; i++)
        {
            if (pairs) reply.WriteArrayHeader(2);
            reply.WriteBulkString(node!.Member);
            reply.WriteDouble(node.Score);
            node = end == PopEnd.Min ? node.Next : node.Previous;
        }
        if (end == PopEnd.Min) set.RemoveRange(0, taken - 1);
        else set.RemoveRange(set.Count - taken, set.Count - 1);
        ctx.MarkDirty(taken);
        ctx.Notify(KeyspaceEventType.SortedSet, end == PopEnd.Min ? "zpopmin" : "zpopmax", key);
        ctx.Db.SignalModified(key);
        DeleteIfEmpty(ctx, key, set);
        return taken;
    }

    /// <summary>The ZPOPMIN/ZPOPMAX key count form that ZMPOP and the blocking pops propagate as.</summary>
    public static byte[][] PropagatedPop(PopEnd end, ReadOnlySpan<byte> key, long? count)
    {
        var name = end == PopEnd.Min ? ZPopMinName : ZPopMaxName;
        return count is { } n ? [name, key.ToArray(), Rewrites.Number(n)] : [name, key.ToArray()];
    }

    private static void ZMPop(CommandContext ctx)
    {
        if (!MPopArguments.TryParse(ctx, 1, "min"u8, "max"u8, out var arguments)) return;
        if (!TryPopFirst(ctx, arguments.FirstKey, arguments.KeyCount, arguments.FirstEnd ? PopEnd.Min : PopEnd.Max, arguments.Count, PopReply.KeyAndPairs, propagateCount: true))
        {
            ctx.Reply.WriteNullArray();
        }
    }

    /// <summary>
    /// Pops from the first non-empty sorted set among <paramref name="keyCount"/> keys from
    /// <paramref name="firstKey"/>, propagated as ZPOPMIN/ZPOPMAX key, with the number popped when
    /// <paramref name="propagateCount"/> (ZMPOP, BZMPOP); true when it popped, or after a WRONGTYPE
    /// error (with <see cref="CommandContext.Failed"/> set), false when every set is empty.
    /// </summary>
    public static bool TryPopFirst(CommandContext ctx, int firstKey, int keyCount, PopEnd end, long count, PopReply shape, bool propagateCount)
    {
        for (int i = firstKey; i < firstKey + keyCount; i++)
        {
            var key = ctx.Arg(i);
            if (!TryCast(ctx, ctx.Db.Get(key), out var set)) return true;
            if (set == null) continue;
            long popped = Pop(ctx, key, set, end, count, shape);
            ctx.PropagateAs = PropagatedPop(end, key, propagateCount ? popped : null);
            return true;
        }
        return false;
    }

    private static void ZRandMember(CommandContext ctx)
    {
        if (ctx.ArgCount == 2)
        {
            if (!TryCast(ctx, KeyLookup.Read(ctx, ctx.Arg(1)), out var one)) return;
            if (one == null) ctx.Reply.WriteNull();
            else ctx.Reply.WriteBulkString(one.Random(Random.Shared).Member);
            return;
        }
        if (!RandomCount.TryParse(ctx, 2, out long requested)) return;
        if (ctx.ArgCount > 4 || (ctx.ArgCount == 4 && !ctx.ArgIs(3, "withscores"u8)))
        {
            ctx.SyntaxError();
            return;
        }
        bool withScores = ctx.ArgCount == 4;
        if (withScores && (requested < -long.MaxValue / 2 || requested > long.MaxValue / 2))
        {
            ctx.Error(OutOfRange);
            return;
        }
        if (!TryCast(ctx, KeyLookup.Read(ctx, ctx.Arg(1)), out var set)) return;
        if (set == null || requested == 0)
        {
            ctx.Reply.WriteArrayHeader(0);
            return;
        }
        RandomMembers(ctx, set, requested, withScores);
    }

    /// <summary>zrandmemberWithCountCommand: repeats allowed for a negative count (or a count of 1), distinct members otherwise.</summary>
    private static void RandomMembers(CommandContext ctx, RedisSortedSet set, long requested, bool withScores)
    {
        if (requested < 0 || requested == 1)
        {
            long count = requested < 0 ? -requested : 1;
            ctx.Reply.WriteArrayHeader(ReplyLength(ctx, count, withScores));
            for (long i = 0; i < count && RandomCount.KeepWriting(ctx); i++) WriteElement(ctx, set.Random(Random.Shared), withScores);
            return;
        }
        ctx.Reply.WriteArrayHeader(ReplyLength(ctx, Math.Min(requested, set.Count), withScores));
        if (requested >= set.Count)
        {
            // The whole set, from the highest element down as zuiNext iterates.
            for (var node = set.Last; node != null; node = node.Previous) WriteElement(ctx, node, withScores);
            return;
        }
        var ranks = RandomCount.DistinctPositions(set.IsListpack, (int)requested, set.Count,
            () => Enumerable.Range(0, set.Count).ToArray(), random => random.Next(set.Count));
        foreach (int rank in ranks) WriteElement(ctx, set.ByRank(rank)!, withScores);
    }

    private static void ZScan(CommandContext ctx)
    {
        if (!ScanCommand.TryParseCursor(ctx.Arg(2), out ulong cursor))
        {
            ctx.Error(ScanCommand.InvalidCursor);
            return;
        }
        if (!TryCast(ctx, KeyLookup.Read(ctx, ctx.Arg(1)), out var set)) return;
        if (set == null)
        {
            ScanCommand.WriteReplyHeader(ctx, 0, 0);
            return;
        }
        if (!ScanCommand.TryParseOptions(ctx, 3, allowType: false, out var options)) return;
        var nodes = Scanned;
        nodes.Clear();
        try
        {
            if (set.IsListpack)
            {
                for (var node = set.First; node != null; node = node.Next) nodes.Add(node);
                cursor = 0;
            }
            else
            {
                cursor = set.Scan(cursor, options.Count, nodes);
            }
            if (options.UsesPattern(ctx))
            {
                int kept = 0;
                for (int i = 0; i < nodes.Count; i++)
                {
                    if (GlobPattern.IsMatch(ctx.Arg(options.PatternArg), nodes[i].Member)) nodes[kept++] = nodes[i];
                }
                nodes.RemoveRange(kept, nodes.Count - kept);
            }
            ScanCommand.WriteReplyHeader(ctx, cursor, nodes.Count * 2);
            Span<byte> text = stackalloc byte[RedisNumbers.MaxDoubleChars];
            foreach (var node in nodes)
            {
                ctx.Reply.WriteBulkString(node.Member);
                ctx.Reply.WriteBulkString(text[..ScoreText(node.Score, set.IsListpack, text)]);
            }
        }
        finally
        {
            nodes.Clear();
        }
    }

    /// <summary>
    /// A score as text the way the set holds it: a listpack keeps integral scores (within ±2^62) as
    /// integers and the rest as "%.17g"; a skiplist prints "%.17g" (ZSCAN, and listpacks in RDB files).
    /// </summary>
    public static int ScoreText(double score, bool listpack, Span<byte> destination)
    {
        if (listpack && TryGetIntegralScore(score, out long integral)) return RedisNumbers.FormatInt64(integral, destination);
        return RedisNumbers.FormatDouble(score, destination);
    }

    /// <summary>double2ll: an integral score a listpack stores as an integer.</summary>
    public static bool TryGetIntegralScore(double score, out long value)
    {
        const double Limit = 4611686018427387904.0;
        value = 0;
        if (!(score >= -Limit && score <= Limit)) return false;
        value = (long)score;
        return value == score;
    }
}
