using Vigil.Protocol;
using Vigil.Server.Blocking;
using Vigil.Server.PubSub;
using Vigil.Server.Storage;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>
/// List commands, blocking ones included (t_list.c, Redis 7.0). A list that loses its last element
/// is deleted ("del" event); pops propagate as they ran, blocking forms as their non-blocking ones.
/// </summary>
internal static class ListCommands
{
    private const string Group = "list";
    private const string ListType = "list";
    private const string NotPositive = "ERR value is out of range, must be positive";
    private const string RankZero =
        "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";

    private static readonly byte[] LPopName = "LPOP"u8.ToArray();
    private static readonly byte[] RPopName = "RPOP"u8.ToArray();
    private static readonly byte[] LMoveName = "LMOVE"u8.ToArray();
    private static readonly byte[] RPopLPushName = "RPOPLPUSH"u8.ToArray();
    private static readonly byte[] LeftName = "left"u8.ToArray();
    private static readonly byte[] RightName = "right"u8.ToArray();

    public static void Register(VigilServer server)
    {
        var t = server.Commands;
        t.Add("lpush", -3, Write | DenyOom | Fast, 1, 1, 1, ctx => Push(ctx, head: true, onlyIfExists: false), Group);
        t.Add("rpush", -3, Write | DenyOom | Fast, 1, 1, 1, ctx => Push(ctx, head: false, onlyIfExists: false), Group);
        t.Add("lpushx", -3, Write | DenyOom | Fast, 1, 1, 1, ctx => Push(ctx, head: true, onlyIfExists: true), Group);
        t.Add("rpushx", -3, Write | DenyOom | Fast, 1, 1, 1, ctx => Push(ctx, head: false, onlyIfExists: true), Group);
        t.Add("lpop", -2, Write | Fast, 1, 1, 1, ctx => Pop(ctx, head: true), Group);
        t.Add("rpop", -2, Write | Fast, 1, 1, 1, ctx => Pop(ctx, head: false), Group);
        t.Add("llen", 2, ReadOnly | Fast, 1, 1, 1, LLen, Group);
        t.Add("lrange", 4, ReadOnly, 1, 1, 1, LRange, Group);
        t.Add("lindex", 3, ReadOnly, 1, 1, 1, LIndex, Group);
        t.Add("lset", 4, Write | DenyOom, 1, 1, 1, LSet, Group);
        t.Add("linsert", 5, Write | DenyOom, 1, 1, 1, LInsert, Group);
        t.Add("lrem", 4, Write, 1, 1, 1, LRem, Group);
        t.Add("ltrim", 4, Write, 1, 1, 1, LTrim, Group);
        t.Add("lpos", -3, ReadOnly, 1, 1, 1, LPos, Group);
        t.Add("lmove", 5, Write | DenyOom, 1, 2, 1, LMove, Group);
        t.Add("rpoplpush", 3, Write | DenyOom, 1, 2, 1, ctx => Move(ctx, fromHead: false, toHead: true), Group);
        t.Add("lmpop", -4, Write, 0, 0, 0, ctx => MPop(ctx, numKeysArg: 1, blocking: false), Group);
        t.Add("blpop", -3, Write | NoScript | CommandFlags.Blocking, 1, -2, 1, ctx => BPop(ctx, head: true), Group);
        t.Add("brpop", -3, Write | NoScript | CommandFlags.Blocking, 1, -2, 1, ctx => BPop(ctx, head: false), Group);
        t.Add("blmove", 6, Write | DenyOom | NoScript | CommandFlags.Blocking, 1, 2, 1, BLMove, Group);
        t.Add("brpoplpush", 4, Write | DenyOom | NoScript | CommandFlags.Blocking, 1, 2, 1, BRPopLPush, Group);
        t.Add("blmpop", -5, Write | CommandFlags.Blocking, 0, 0, 0, ctx => MPop(ctx, numKeysArg: 2, blocking: true), Group);
    }

    /// <summary>The value as a list: null when absent; false after a WRONGTYPE reply when it is another type.</summary>
    private static bool TryAsList(CommandContext ctx, object? value, out RedisList? list)
    {
        list = value as RedisList;
        if (value == null || list != null) return true;
        ctx.WrongType();
        return false;
    }

    /// <summary>getPositiveLongFromObjectOrReply: a non-negative integer, else <paramref name="error"/> whatever the fault.</summary>
    private static bool TryGetNonNegative(CommandContext ctx, int index, out long value, string error = NotPositive)
    {
        if (RedisNumbers.TryParseInt64(ctx.Arg(index), out value) && value >= 0) return true;
        ctx.Error(error);
        return false;
    }

    /// <summary>LEFT or RIGHT (getListPositionFromObjectOrReply): true for LEFT, the head.</summary>
    private static bool TryGetEnd(CommandContext ctx, int index, out bool head)
    {
        head = ctx.ArgIs(index, "left"u8);
        if (head || ctx.ArgIs(index, "right"u8)) return true;
        ctx.SyntaxError();
        return false;
    }

    private static string PushEvent(bool head) => head ? "lpush" : "rpush";

    private static string PopEvent(bool head) => head ? "lpop" : "rpop";

    private static void Push(CommandContext ctx, bool head, bool onlyIfExists)
    {
        var key = ctx.Arg(1);
        var db = ctx.Db;
        if (!TryAsList(ctx, db.Get(key), out var list)) return;
        if (list == null)
        {
            if (onlyIfExists)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
            list = new RedisList();
            for (int i = 2; i < ctx.ArgCount; i++) list.Push(ctx.ArgBytes(i), head);
            db.Set(key, list);
        }
        else
        {
            for (int i = 2; i < ctx.ArgCount; i++) list.Push(ctx.ArgBytes(i), head);
            db.SignalModified(key);
        }
        ctx.Reply.WriteInteger(list.Count);
        ctx.Notify(KeyspaceEventType.List, PushEvent(head), key);
        ctx.MarkDirty(ctx.ArgCount - 2);
    }

    /// <summary>
    /// listElementsRemoved: after <paramref name="count"/> elements left <paramref name="list"/> from one
    /// end, the pop event, and the key's deletion when the list is empty.
    /// </summary>
    private static void ElementsRemoved(CommandContext ctx, ReadOnlySpan<byte> key, RedisList list, bool head, long count)
    {
        ctx.Notify(KeyspaceEventType.List, PopEvent(head), key);
        DeleteIfEmpty(ctx, key, list);
        ctx.MarkDirty(count);
    }

    /// <summary>After elements left <paramref name="list"/>: deletes the key when it is empty ("del"), else tells watchers it changed.</summary>
    private static void DeleteIfEmpty(CommandContext ctx, ReadOnlySpan<byte> key, RedisList list)
    {
        if (list.Count > 0)
        {
            ctx.Db.SignalModified(key);
            return;
        }
        ctx.Db.Delete(key);
        ctx.Notify(KeyspaceEventType.Generic, "del", key);
    }

    /// <summary>Pops up to <paramref name="count"/> elements from one end as an array reply; returns how many.</summary>
    private static int PopRange(CommandContext ctx, RedisList list, bool head, long count)
    {
        int n = (int)Math.Min(count, list.Count);
        ctx.Reply.WriteArrayHeader(n);
        for (int i = 0; i < n; i++) ctx.Reply.WriteBulkString(list.Pop(head));
        return n;
    }

    /// <summary>LPOP/RPOP key [count]: a bulk string without a count, an array with one.</summary>
    private static void Pop(CommandContext ctx, bool head)
    {
        if (ctx.ArgCount > 3)
        {
            ctx.WrongArgCount();
            return;
        }
        bool hasCount = ctx.ArgCount == 3;
        long count = 0;
        if (hasCount && !TryGetNonNegative(ctx, 2, out count)) return;
        var key = ctx.Arg(1);
        var value = ctx.Db.Get(key);
        if (value == null)
        {
            if (hasCount) ctx.Reply.WriteNullArray();
            else ctx.Reply.WriteNull();
            return;
        }
        if (!TryAsList(ctx, value, out var list)) return;
        if (!hasCount)
        {
            ctx.Reply.WriteBulkString(list!.Pop(head));
            ElementsRemoved(ctx, key, list, head, 1);
            return;
        }
        if (count == 0)
        {
            ctx.Reply.WriteArrayHeader(0);
            return;
        }
        int popped = PopRange(ctx, list!, head, count);
        ElementsRemoved(ctx, key, list!, head, popped);
    }

    private static void LLen(CommandContext ctx)
    {
        if (!TryAsList(ctx, KeyLookup.Read(ctx, ctx.Arg(1)), out var list)) return;
        ctx.Reply.WriteInteger(list?.Count ?? 0);
    }

    /// <summary>Redis's range rules: negative indexes from the end, clamped; false when the range is empty.</summary>
    private static bool TryClampRange(long length, ref long start, ref long end)
    {
        if (start < 0) start += length;
        if (end < 0) end += length;
        if (start < 0) start = 0;
        if (start > end || start >= length) return false;
        if (end >= length) end = length - 1;
        return true;
    }

    private static void LRange(CommandContext ctx)
    {
        if (!ctx.TryGetInt64(2, out long start) || !ctx.TryGetInt64(3, out long end)) return;
        if (!TryAsList(ctx, KeyLookup.Read(ctx, ctx.Arg(1)), out var list)) return;
        if (list == null || !TryClampRange(list.Count, ref start, ref end))
        {
            ctx.Reply.WriteArrayHeader(0);
            return;
        }
        ctx.Reply.WriteArrayHeader((int)(end - start + 1));
        for (long i = start; i <= end; i++) ctx.Reply.WriteBulkString(list[(int)i]);
    }

    private static void LIndex(CommandContext ctx)
    {
        var value = KeyLookup.Read(ctx, ctx.Arg(1));
        if (value == null)
        {
            ctx.Reply.WriteNull();
            return;
        }
        if (!TryAsList(ctx, value, out var list) || !ctx.TryGetInt64(2, out long index)) return;
        if (list!.TryResolveIndex(index, out int position)) ctx.Reply.WriteBulkString(list[position]);
        else ctx.Reply.WriteNull();
    }

    private static void LSet(CommandContext ctx)
    {
        var key = ctx.Arg(1);
        var value = ctx.Db.Get(key);
        if (value == null)
        {
            ctx.Error(Errors.NoSuchKey);
            return;
        }
        if (!TryAsList(ctx, value, out var list) || !ctx.TryGetInt64(2, out long index)) return;
        if (!list!.TryResolveIndex(index, out int position))
        {
            ctx.Error(Errors.OutOfRange);
            return;
        }
        list[position] = ctx.ArgBytes(3);
        ctx.Reply.WriteOk();
        ctx.Db.SignalModified(key);
        ctx.Notify(KeyspaceEventType.List, "lset", key);
        ctx.MarkDirty();
    }

    private static void LInsert(CommandContext ctx)
    {
        bool after = ctx.ArgIs(2, "after"u8);
        if (!after && !ctx.ArgIs(2, "before"u8))
        {
            ctx.SyntaxError();
            return;
        }
        var key = ctx.Arg(1);
        if (!TryAsList(ctx, ctx.Db.Get(key), out var list)) return;
        if (list == null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        int pivot = list.IndexOf(ctx.Arg(3));
        if (pivot < 0)
        {
            ctx.Reply.WriteInteger(-1);
            return;
        }
        list.Insert(after ? pivot + 1 : pivot, ctx.ArgBytes(4));
        ctx.Db.SignalModified(key);
        ctx.Notify(KeyspaceEventType.List, "linsert", key);
        ctx.MarkDirty();
        ctx.Reply.WriteInteger(list.Count);
    }

    private static void LRem(CommandContext ctx)
    {
        if (!ctx.TryGetInt64(2, out long count)) return;
        var key = ctx.Arg(1);
        if (!TryAsList(ctx, ctx.Db.Get(key), out var list)) return;
        if (list == null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        // |long.MinValue| does not fit: it means "all of them" as any count beyond the length does.
        long limit = count == long.MinValue ? 0 : Math.Abs(count);
        int removed = list.RemoveMatching(ctx.Arg(3), limit, fromTail: count < 0);
        if (removed > 0)
        {
            ctx.Notify(KeyspaceEventType.List, "lrem", key);
            DeleteIfEmpty(ctx, key, list);
            ctx.MarkDirty(removed);
        }
        ctx.Reply.WriteInteger(removed);
    }

    private static void LTrim(CommandContext ctx)
    {
        if (!ctx.TryGetInt64(2, out long start) || !ctx.TryGetInt64(3, out long end)) return;
        var key = ctx.Arg(1);
        if (!TryAsList(ctx, ctx.Db.Get(key), out var list)) return;
        if (list == null)
        {
            ctx.Reply.WriteOk();
            return;
        }
        int length = list.Count;
        int keepFrom = 0, keepCount = 0;
        if (TryClampRange(length, ref start, ref end))
        {
            keepFrom = (int)start;
            keepCount = (int)(end - start + 1);
        }
        int removed = length - keepCount;
        list.RemoveRange(keepFrom + keepCount, length - keepFrom - keepCount);
        list.RemoveRange(0, keepFrom);
        ctx.Notify(KeyspaceEventType.List, "ltrim", key);
        DeleteIfEmpty(ctx, key, list);
        ctx.MarkDirty(removed);
        ctx.Reply.WriteOk();
    }

    /// <summary>LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len].</summary>
    private static void LPos(CommandContext ctx)
    {
        long rank = 1, count = -1, maxLength = 0;
        for (int i = 3; i < ctx.ArgCount; i++)
        {
            bool more = i + 1 < ctx.ArgCount;
            if (ctx.ArgIs(i, "rank"u8) && more)
            {
                if (!ctx.TryGetInt64(++i, out rank)) return;
                if (rank == 0)
                {
                    ctx.Error(RankZero);
                    return;
                }
            }
            else if (ctx.ArgIs(i, "count"u8) && more)
            {
                if (!TryGetNonNegative(ctx, ++i, out count, "ERR COUNT can't be negative")) return;
            }
            else if (ctx.ArgIs(i, "maxlen"u8) && more)
            {
                if (!TryGetNonNegative(ctx, ++i, out maxLength, "ERR MAXLEN can't be negative")) return;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        bool fromTail = rank < 0;
        // As in Redis, the most negative rank stays negative: every match qualifies.
        if (fromTail) rank = unchecked(-rank);

        var value = KeyLookup.Read(ctx, ctx.Arg(1));
        if (value == null)
        {
            if (count != -1) ctx.Reply.WriteArrayHeader(0);
            else ctx.Reply.WriteNull();
            return;
        }
        if (!TryAsList(ctx, value, out var list)) return;
        var element = ctx.Arg(2);
        int length = list!.Count;
        long matches = 0;
        int found = 0;
        int mark = count != -1 ? ctx.Reply.BeginDeferred() : 0;
        for (int index = 0; index < length && (maxLength == 0 || index < maxLength); index++)
        {
            int position = fromTail ? length - index - 1 : index;
            if (!list[position].AsSpan().SequenceEqual(element)) continue;
            matches++;
            if (matches < rank) continue;
            if (count == -1)
            {
                ctx.Reply.WriteInteger(position);
                return;
            }
            ctx.Reply.WriteInteger(position);
            found++;
            if (count != 0 && unchecked(matches - rank + 1) >= count) break;
        }
        if (count != -1) ctx.Reply.EndDeferredArray(mark, found);
        else ctx.Reply.WriteNull();
    }

    private static void LMove(CommandContext ctx)
    {
        if (!TryGetEnd(ctx, 3, out bool fromHead) || !TryGetEnd(ctx, 4, out bool toHead)) return;
        Move(ctx, fromHead, toHead);
    }

    /// <summary>lmoveGenericCommand: pops from the source, pushes on the destination, replies the element.</summary>
    private static void Move(CommandContext ctx, bool fromHead, bool toHead)
    {
        var source = ctx.Arg(1);
        if (!TryAsList(ctx, ctx.Db.Get(source), out var list)) return;
        if (list == null)
        {
            ctx.Reply.WriteNull();
            return;
        }
        MoveElement(ctx, source, list, ctx.Arg(2), fromHead, toHead);
    }

    /// <summary>
    /// Moves one element from <paramref name="list"/> (at <paramref name="source"/>) to the list at
    /// <paramref name="destination"/>, replying it; WRONGTYPE (and nothing moves) when the destination
    /// is another type. Returns false then.
    /// </summary>
    private static bool MoveElement(CommandContext ctx, ReadOnlySpan<byte> source, RedisList list, ReadOnlySpan<byte> destination,
        bool fromHead, bool toHead)
    {
        var db = ctx.Db;
        if (!TryAsList(ctx, db.Get(destination), out var target)) return false;
        var element = list.Pop(fromHead);
        // lmoveHandlePush: the destination is created (and is ready for its own waiters) if missing.
        if (target == null)
        {
            target = new RedisList();
            target.Push(element, toHead);
            db.Set(destination, target);
        }
        else
        {
            target.Push(element, toHead);
            db.SignalModified(destination);
        }
        ctx.Notify(KeyspaceEventType.List, PushEvent(toHead), destination);
        ctx.Reply.WriteBulkString(element);
        ctx.Notify(KeyspaceEventType.List, PopEvent(fromHead), source);
        DeleteIfEmpty(ctx, source, list);
        ctx.MarkDirty();
        return true;
    }

    /// <summary>
    /// LMPOP numkeys key... LEFT|RIGHT [COUNT count], and BLMPOP timeout numkeys ...: pops from the
    /// first non-empty list, replying [key, [elements]]; propagates as LPOP/RPOP key count.
    /// </summary>
    private static void MPop(CommandContext ctx, int numKeysArg, bool blocking)
    {
        if (!MPopArguments.TryParse(ctx, numKeysArg, "left"u8, "right"u8, out var arguments)) return;
        var (firstKey, numKeys, head, count) = arguments;
        int whereArg = firstKey + numKeys;
        long deadline = 0;
        if (blocking && !BlockingManager.TryGetTimeout(ctx, 1, out deadline)) return;

        for (int i = firstKey; i < whereArg; i++)
        {
            var key = ctx.Arg(i);
            if (!TryAsList(ctx, ctx.Db.Get(key), out var list)) return;
            if (list == null || list.Count == 0) continue;
            PopWithKey(ctx, key.ToArray(), list, head, count);
            return;
        }
        if (!blocking || !BlockingManager.MayBlock(ctx.Client))
        {
            ctx.Reply.WriteNullArray();
            return;
        }
        ctx.Server.Blocking.Block(ctx, firstKey, numKeys, deadline, ListType,
            (c, key, value) => PopWithKey(c, key, (RedisList)value, head, count));
    }

    /// <summary>listPopRangeAndReplyWithKey: [key, [elements]], propagated as LPOP/RPOP key n.</summary>
    private static void PopWithKey(CommandContext ctx, byte[] key, RedisList list, bool head, long count)
    {
        ctx.Reply.WriteArrayHeader(2);
        ctx.Reply.WriteBulkString(key);
        int popped = PopRange(ctx, list, head, count);
        ElementsRemoved(ctx, key, list, head, popped);
        ctx.PropagateAs = [head ? LPopName : RPopName, key, Rewrites.Number(popped)];
    }

    /// <summary>BLPOP/BRPOP key... timeout: [key, element] from the first non-empty list, else blocks.</summary>
    private static void BPop(CommandContext ctx, bool head)
    {
        if (!BlockingManager.TryGetTimeout(ctx, ctx.ArgCount - 1, out long deadline)) return;
        int keyCount = ctx.ArgCount - 2;
        for (int i = 1; i <= keyCount; i++)
        {
            var key = ctx.Arg(i);
            if (!TryAsList(ctx, ctx.Db.Get(key), out var list)) return;
            if (list == null || list.Count == 0) continue;
            PopOneWithKey(ctx, key.ToArray(), list, head);
            return;
        }
        if (!BlockingManager.MayBlock(ctx.Client))
        {
            ctx.Reply.WriteNullArray();
            return;
        }
        ctx.Server.Blocking.Block(ctx, 1, keyCount, deadline, ListType, (c, key, value) => PopOneWithKey(c, key, (RedisList)value, head));
    }

    /// <summary>[key, element], propagated as LPOP/RPOP key.</summary>
    private static void PopOneWithKey(CommandContext ctx, byte[] key, RedisList list, bool head)
    {
        var element = list.Pop(head);
        ctx.Reply.WriteArrayHeader(2);
        ctx.Reply.WriteBulkString(key);
        ctx.Reply.WriteBulkString(element);
        ElementsRemoved(ctx, key, list, head, 1);
        ctx.PropagateAs = [head ? LPopName : RPopName, key];
    }

    private static void BLMove(CommandContext ctx)
    {
        if (!TryGetEnd(ctx, 3, out bool fromHead) || !TryGetEnd(ctx, 4, out bool toHead)) return;
        if (!BlockingManager.TryGetTimeout(ctx, 5, out long deadline)) return;
        BlockingMove(ctx, fromHead, toHead, deadline, rpoplpush: false);
    }

    private static void BRPopLPush(CommandContext ctx)
    {
        if (!BlockingManager.TryGetTimeout(ctx, 3, out long deadline)) return;
        BlockingMove(ctx, fromHead: false, toHead: true, deadline, rpoplpush: true);
    }

    /// <summary>blmoveGenericCommand: moves at once when the source has elements, else blocks on it.</summary>
    private static void BlockingMove(CommandContext ctx, bool fromHead, bool toHead, long deadline, bool rpoplpush)
    {
        var source = ctx.Arg(1);
        if (!TryAsList(ctx, ctx.Db.Get(source), out var list)) return;
        if (list != null)
        {
            if (MoveElement(ctx, source, list, ctx.Arg(2), fromHead, toHead))
            {
                ctx.PropagateAs = rpoplpush
                    ? [RPopLPushName, ctx.ArgBytes(1), ctx.ArgBytes(2)]
                    : [LMoveName, ctx.ArgBytes(1), ctx.ArgBytes(2), ctx.ArgBytes(3), ctx.ArgBytes(4)];
            }
            return;
        }
        if (!BlockingManager.MayBlock(ctx.Client))
        {
            ctx.Reply.WriteNull();
            return;
        }
        var destination = ctx.ArgBytes(2);
        ctx.Server.Blocking.Block(ctx, 1, 1, deadline, ListType, (c, key, value) =>
        {
            if (!MoveElement(c, key, (RedisList)value, destination, fromHead, toHead)) return;
            c.PropagateAs = rpoplpush
                ? [RPopLPushName, key, destination]
                : [LMoveName, key, destination, fromHead ? LeftName : RightName, toHead ? LeftName : RightName];
        });
    }
}
