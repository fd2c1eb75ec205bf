using Vigil.Protocol;
using Vigil.Server.PubSub;
using Vigil.Server.Storage;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>
/// Sorted set ranges (zrangeGenericCommand and friends): ZRANGE with BYSCORE/BYLEX/REV/LIMIT, the
/// older ZRANGEBYSCORE/ZREVRANGE... forms, ZRANGESTORE, ZCOUNT, ZLEXCOUNT and ZREMRANGEBY*. Every
/// range, whether by rank, score or member, resolves to an interval of ranks first (two O(log n)
/// searches), then the elements are walked from one end.
/// </summary>
internal static class SortedSetRangeCommands
{
    private const string Group = SortedSetCommands.Group;
    private const string NotFloatRange = "ERR min or max is not a float";
    private const string NotLexRange = "ERR min or max not valid string range item";

    private enum RangeKind
    {
        Auto,
        Rank,
        Score,
        Lex,
    }

    private enum Direction
    {
        Auto,
        Forward,
        Reverse,
    }

    public static void Register(VigilServer server)
    {
        var t = server.Commands;
        t.Add("zrange", -4, ReadOnly, 1, 1, 1, ctx => ZRange(ctx, 1, false, RangeKind.Auto, Direction.Auto), Group);
        t.Add("zrangestore", -5, Write | DenyOom, 1, 2, 1, ctx => ZRange(ctx, 2, true, RangeKind.Auto, Direction.Auto), Group);
        t.Add("zrevrange", -4, ReadOnly, 1, 1, 1, ctx => ZRange(ctx, 1, false, RangeKind.Rank, Direction.Reverse), Group);
        t.Add("zrangebyscore", -4, ReadOnly, 1, 1, 1, ctx => ZRange(ctx, 1, false, RangeKind.Score, Direction.Forward), Group);
        t.Add("zrevrangebyscore", -4, ReadOnly, 1, 1, 1, ctx => ZRange(ctx, 1, false, RangeKind.Score, Direction.Reverse), Group);
        t.Add("zrangebylex", -4, ReadOnly, 1, 1, 1, ctx => ZRange(ctx, 1, false, RangeKind.Lex, Direction.Forward), Group);
        t.Add("zrevrangebylex", -4, ReadOnly, 1, 1, 1, ctx => ZRange(ctx, 1, false, RangeKind.Lex, Direction.Reverse), Group);
        t.Add("zcount", 4, ReadOnly | Fast, 1, 1, 1, ctx => ZCount(ctx, RangeKind.Score), Group);
        t.Add("zlexcount", 4, ReadOnly | Fast, 1, 1, 1, ctx => ZCount(ctx, RangeKind.Lex), Group);
        t.Add("zremrangebyrank", 4, Write, 1, 1, 1, ctx => ZRemRange(ctx, RangeKind.Rank), Group);
        t.Add("zremrangebyscore", 4, Write, 1, 1, 1, ctx => ZRemRange(ctx, RangeKind.Score), Group);
        t.Add("zremrangebylex", 4, Write, 1, 1, 1, ctx => ZRemRange(ctx, RangeKind.Lex), Group);
    }

    /// <summary>
    /// zrangeGenericCommand. <paramref name="keyArg"/> is the source key (2 for ZRANGESTORE, whose
    /// destination is argument 1); the command name may fix the kind and direction.
    /// </summary>
    private static void ZRange(CommandContext ctx, int keyArg, bool store, RangeKind kind, Direction direction)
    {
        int minArg = keyArg + 1, maxArg = keyArg + 2;
        bool withScores = false;
        long offset = 0, limit = -1;
        for (int j = keyArg + 3; j < ctx.ArgCount; j++)
        {
            int left = ctx.ArgCount - j - 1;
            if (!store && ctx.ArgIs(j, "withscores"u8)) withScores = true;
            else if (ctx.ArgIs(j, "limit"u8) && left >= 2)
            {
                if (!ctx.TryGetInt64(j + 1, out offset) || !ctx.TryGetInt64(j + 2, out limit)) return;
                j += 2;
            }
            else if (direction == Direction.Auto && ctx.ArgIs(j, "rev"u8)) direction = Direction.Reverse;
            else if (kind == RangeKind.Auto && ctx.ArgIs(j, "bylex"u8)) kind = RangeKind.Lex;
            else if (kind == RangeKind.Auto && ctx.ArgIs(j, "byscore"u8)) kind = RangeKind.Score;
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        if (direction == Direction.Auto) direction = Direction.Forward;
        if (kind == RangeKind.Auto) kind = RangeKind.Rank;
        if (limit != -1 && kind == RangeKind.Rank)
        {
            ctx.Error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
            return;
        }
        if (withScores && kind == RangeKind.Lex)
        {
            ctx.Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
            return;
        }
        bool reverse = direction == Direction.Reverse;
        // Reverse score and lex ranges are written max first.
        if (reverse && kind != RangeKind.Rank) (minArg, maxArg) = (maxArg, minArg);

        long start = 0, end = 0;
        ScoreRange scores = default;
        LexRange members = default;
        if (!TryParseRange(ctx, kind, minArg, maxArg, ref start, ref end, ref scores, ref members)) return;

        if (!SortedSetCommands.TryCast(ctx, KeyLookup.Read(ctx, ctx.Arg(keyArg)), out var set)) return;
        long first = 0, last = -1;
        if (set != null)
        {
            (first, last) = kind switch
            {
                RangeKind.Rank => RankRange(set, start, end),
                RangeKind.Score => RanksIn(set, scores, reverse),
                _ => RanksIn(set, members, reverse),
            };
            if (kind == RangeKind.Rank && reverse) (first, last) = (set.Count - 1 - last, set.Count - 1 - first);
            // A rank range accepts only LIMIT <any> -1, and Redis ignores the offset there.
            if (kind != RangeKind.Rank) ApplyLimit(ref first, ref last, offset, limit, reverse);
        }
        long count = Math.Max(0, last - first + 1);
        if (store)
        {
            StoreRange(ctx, set, first, count, reverse);
            return;
        }
        ctx.Reply.WriteArrayHeader(SortedSetCommands.ReplyLength(ctx, count, withScores));
        if (count == 0) return;
        var node = set!.ByRank(reverse ? last : first);
        for (long i = 0; i < count; i++)
        {
            SortedSetCommands.WriteElement(ctx, node!, withScores);
            node = reverse ? node!.Previous : node!.Next;
        }
    }

    /// <summary>Parses the two range arguments for <paramref name="kind"/>; false after replying Redis's error.</summary>
    private static bool TryParseRange(CommandContext ctx, RangeKind kind, int minArg, int maxArg,
        ref long start, ref long end, ref ScoreRange scores, ref LexRange members)
    {
        switch (kind)
        {
            case RangeKind.Rank:
                return ctx.TryGetInt64(minArg, out start) && ctx.TryGetInt64(maxArg, out end);
            case RangeKind.Score:
                if (ScoreRange.TryParse(ctx.Arg(minArg), ctx.Arg(maxArg), out scores)) return true;
                ctx.Error(NotFloatRange);
                return false;
            default:
                if (LexRange.TryParse(ctx.Arg(minArg), ctx.Arg(maxArg), out members)) return true;
                ctx.Error(NotLexRange);
                return false;
        }
    }

    /// <summary>Start and end indexes, negative from the end, clamped to the set (an empty interval when out of range).</summary>
    private static (long First, long Last) RankRange(RedisSortedSet set, long start, long end)
    {
        long length = set.Count;
        if (start < 0) start += length;
        if (end < 0) end += length;
        if (start < 0) start = 0;
        if (start > end || start >= length) return (0, -1);
        return (start, Math.Min(end, length - 1));
    }

    /// <summary>The ranks of the first and last elements in <paramref name="range"/>; an empty interval when none.</summary>
    private static (long First, long Last) RanksIn<TRange>(RedisSortedSet set, scoped in TRange range, bool reverse = false) where TRange : IElementRange, allows ref struct
    {
        // Redis walks a listpack from one end; on a member range over unequal scores only that walk gives its answer.
        if (set.IsListpack) return set.ListpackRanks(range, reverse);
        if (set.FirstInRange(range, out long first) == null) return (0, -1);
        set.LastInRange(range, out long last);
        return (first, last);
    }

    /// <summary>
    /// LIMIT offset count over the ranks in range, walked from the first (or, reversed, the last):
    /// a negative offset skips everything and a negative count takes all, as Redis's loops do.
    /// </summary>
    private static void ApplyLimit(ref long first, ref long last, long offset, long limit, bool reverse)
    {
        long available = last - first + 1;
        if (available <= 0) return;
        if (offset < 0 || offset >= available || limit == 0)
        {
            (first, last) = (0, -1);
            return;
        }
        long taken = limit < 0 ? available - offset : Math.Min(limit, available - offset);
        if (reverse)
        {
            last -= offset;
            first = last - taken + 1;
        }
        else
        {
            first += offset;
            last = first + taken - 1;
        }
    }

    /// <summary>
    /// ZRANGESTORE's result: a new set built as Redis builds it (a listpack that converts as it
    /// grows), stored over whatever the destination held; an empty result deletes the destination.
    /// </summary>
    private static void StoreRange(CommandContext ctx, RedisSortedSet? source, long first, long count, bool reverse)
    {
        var destination = ctx.Arg(1);
        if (count == 0)
        {
            ctx.Reply.WriteInteger(0);
            if (ctx.Db.Delete(destination))
            {
                ctx.Notify(KeyspaceEventType.Generic, "del", destination);
                ctx.MarkDirty();
            }
            return;
        }
        var limits = EncodingLimits.From(ctx.Server.Config);
        var result = RedisSortedSet.Create(limits, 0);
        long from = reverse ? first + count - 1 : first;
        var node = source!.ByRank(from);
        for (long i = 0; i < count; i++)
        {
            result.Insert(node!.Member, node.Score, limits);
            node = reverse ? node.Previous : node.Next;
        }
        ctx.Db.Store(destination, result);
        ctx.Reply.WriteInteger(count);
        ctx.Notify(KeyspaceEventType.SortedSet, "zrangestore", destination);
        ctx.MarkDirty();
    }

    private static void ZCount(CommandContext ctx, RangeKind kind)
    {
        long start = 0, end = 0;
        ScoreRange scores = default;
        LexRange members = default;
        if (!TryParseRange(ctx, kind, 2, 3, ref start, ref end, ref scores, ref members)) return;
        if (!SortedSetCommands.TryCast(ctx, KeyLookup.Read(ctx, ctx.Arg(1)), out var set)) return;
        if (set == null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        var (first, last) = kind == RangeKind.Score ? RanksIn(set, scores) : RanksIn(set, members);
        ctx.Reply.WriteInteger(Math.Max(0, last - first + 1));
    }

    /// <summary>zremrangeGenericCommand.</summary>
    private static void ZRemRange(CommandContext ctx, RangeKind kind)
    {
        long start = 0, end = 0;
        ScoreRange scores = default;
        LexRange members = default;
        if (!TryParseRange(ctx, kind, 2, 3, ref start, ref end, ref scores, ref members)) return;
        var key = ctx.Arg(1);
        if (!SortedSetCommands.TryCast(ctx, ctx.Db.Get(key), out var set)) return;
        if (set == null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        var (first, last) = kind switch
        {
            RangeKind.Rank => RankRange(set, start, end),
            RangeKind.Score => RanksIn(set, scores),
            _ => RanksIn(set, members),
        };
        long deleted = last >= first ? set.RemoveRange(first, last) : 0;
        if (deleted > 0)
        {
            string name = kind switch
            {
                RangeKind.Rank => "zremrangebyrank",
                RangeKind.Score => "zremrangebyscore",
                _ => "zremrangebylex",
            };
            ctx.Db.SignalModified(key);
            ctx.Notify(KeyspaceEventType.SortedSet, name, key);
            SortedSetCommands.DeleteIfEmpty(ctx, key, set);
            ctx.MarkDirty(deleted);
        }
        ctx.Reply.WriteInteger(deleted);
    }
}
