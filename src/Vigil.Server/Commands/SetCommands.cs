using Vigil.Protocol;
using Vigil.Server.PubSub;
using Vigil.Server.Storage;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>Set commands (t_set.c). Values are <see cref="RedisSet"/>.</summary>
internal static class SetCommands
{
    private const string Group = "set";
    private const string CountNotPositive = "ERR value is out of range, must be positive";
    private const string NumKeysNotPositive = "ERR numkeys should be greater than 0";
    private const string TooManyKeys = "ERR Number of keys can't be greater than number of args";
    private const string NegativeLimit = "ERR LIMIT can't be negative";

    /// <summary>SPOP with a count below 1/5 of what stays pops picks one by one (CASE 2); above, it picks what stays (CASE 3).</summary>
    private const int SpopMoveFactor = 5;

    private static readonly byte[] SRemName = "SREM"u8.ToArray();
    private static readonly byte[] DelName = "DEL"u8.ToArray();

    [ThreadStatic]
    private static List<byte[]>? t_scanned;

    private enum Algebra
    {
        Union,
        Difference,
    }

    public static void Register(VigilServer server)
    {
        var t = server.Commands;
        t.Add("sadd", -3, Write | DenyOom | Fast, 1, 1, 1, SAdd, Group);
        t.Add("srem", -3, Write | Fast, 1, 1, 1, SRem, Group);
        t.Add("sismember", 3, ReadOnly | Fast, 1, 1, 1, SIsMember, Group);
        t.Add("smismember", -3, ReadOnly | Fast, 1, 1, 1, SMIsMember, Group);
        t.Add("scard", 2, ReadOnly | Fast, 1, 1, 1, SCard, Group);
        t.Add("smembers", 2, ReadOnly, 1, 1, 1, SMembers, Group);
        t.Add("srandmember", -2, ReadOnly, 1, 1, 1, SRandMember, Group);
        t.Add("spop", -2, Write | Fast, 1, 1, 1, SPop, Group);
        t.Add("smove", 4, Write | Fast, 1, 2, 1, SMove, Group);
        t.Add("sinter", -2, ReadOnly, 1, -1, 1, ctx => Intersect(ctx, 1, ctx.ArgCount - 1, null, cardinalityOnly: false, 0), Group);
        // Keys follow numkeys (movablekeys): no fixed key positions, as Redis reports it.
        t.Add("sintercard", -3, ReadOnly, 0, 0, 0, SInterCard, Group);
        t.Add("sinterstore", -3, Write | DenyOom, 1, -1, 1, ctx => Intersect(ctx, 2, ctx.ArgCount - 2, ctx.ArgBytes(1), cardinalityOnly: false, 0), Group);
        t.Add("sunion", -2, ReadOnly, 1, -1, 1, ctx => Combine(ctx, Algebra.Union, null), Group);
        t.Add("sunionstore", -3, Write | DenyOom, 1, -1, 1, ctx => Combine(ctx, Algebra.Union, ctx.ArgBytes(1)), Group);
        t.Add("sdiff", -2, ReadOnly, 1, -1, 1, ctx => Combine(ctx, Algebra.Difference, null), Group);
        t.Add("sdiffstore", -3, Write | DenyOom, 1, -1, 1, ctx => Combine(ctx, Algebra.Difference, ctx.ArgBytes(1)), Group);
        t.Add("sscan", -3, ReadOnly, 1, 1, 1, SScan, Group);
    }

    private static void SAdd(CommandContext ctx)
    {
        var key = ctx.Arg(1);
        if (!KeyLookup.TryGet<RedisSet>(ctx, key, forWrite: true, out var set)) return;
        bool created = set == null;
        set ??= new RedisSet();
        var limits = EncodingLimits.From(ctx.Server.Config);
        long added = 0;
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            if (set.Add(ctx.Arg(i), limits)) added++;
        }
        if (created) ctx.Db.Set(key, set);
        if (added > 0)
        {
            if (!created) ctx.Db.SignalModified(key);
            ctx.Notify(KeyspaceEventType.Set, "sadd", key);
            ctx.MarkDirty(added);
        }
        ctx.Reply.WriteInteger(added);
    }

    private static void SRem(CommandContext ctx)
    {
        var key = ctx.Arg(1);
        if (!KeyLookup.TryGet<RedisSet>(ctx, key, forWrite: true, out var set)) return;
        MemberRemoval.RemoveArguments(ctx, key, set, KeyspaceEventType.Set, "srem");
    }

    private static void SIsMember(CommandContext ctx)
    {
        if (!KeyLookup.TryGet<RedisSet>(ctx, ctx.Arg(1), forWrite: false, out var set)) return;
        ctx.Reply.WriteInteger(set != null && set.Contains(ctx.Arg(2)) ? 1 : 0);
    }

    private static void SMIsMember(CommandContext ctx)
    {
        if (!KeyLookup.TryGet<RedisSet>(ctx, ctx.Arg(1), forWrite: false, out var set)) return;
        ctx.Reply.WriteArrayHeader(ctx.ArgCount - 2);
        for (int i = 2; i < ctx.ArgCount; i++) ctx.Reply.WriteInteger(set != null && set.Contains(ctx.Arg(i)) ? 1 : 0);
    }

    private static void SCard(CommandContext ctx)
    {
        if (!KeyLookup.TryGet<RedisSet>(ctx, ctx.Arg(1), forWrite: false, out var set)) return;
        ctx.Reply.WriteInteger(set?.Count ?? 0);
    }

    /// <summary>SMEMBERS: Redis 7.0 runs it as SINTER of one key; with one set the count is known up front.</summary>
    private static void SMembers(CommandContext ctx)
    {
        if (!KeyLookup.TryGet<RedisSet>(ctx, ctx.Arg(1), forWrite: false, out var set)) return;
        ctx.Reply.WriteSetHeader(set?.Count ?? 0);
        if (set == null) return;
        foreach (var member in set) member.WriteTo(ctx.Reply);
    }

    private static void SMove(CommandContext ctx)
    {
        var sourceKey = ctx.Arg(1);
        var targetKey = ctx.Arg(2);
        var member = ctx.Arg(3);
        var db = ctx.Db;
        var sourceValue = db.Get(sourceKey);
        var targetValue = db.Get(targetKey);
        if (sourceValue == null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        if (sourceValue is not RedisSet source || (targetValue != null && targetValue is not RedisSet))
        {
            ctx.WrongType();
            return;
        }
        if (ReferenceEquals(source, targetValue))
        {
            ctx.Reply.WriteInteger(source.Contains(member) ? 1 : 0);
            return;
        }
        if (!source.Remove(member))
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        ctx.Notify(KeyspaceEventType.Set, "srem", sourceKey);
        if (source.Count == 0)
        {
            db.Delete(sourceKey);
            ctx.Notify(KeyspaceEventType.Generic, "del", sourceKey);
        }
        else
        {
            db.SignalModified(sourceKey);
        }
        var target = (RedisSet?)targetValue;
        if (target == null)
        {
            target = new RedisSet();
            db.Set(targetKey, target);
        }
        // The target counts as modified (WATCH) even when it already had the member.
        db.SignalModified(targetKey);
        ctx.MarkDirty();
        if (target.Add(member, EncodingLimits.From(ctx.Server.Config)))
        {
            ctx.MarkDirty();
            ctx.Notify(KeyspaceEventType.Set, "sadd", targetKey);
        }
        ctx.Reply.WriteInteger(1);
    }

    private static void SRandMember(CommandContext ctx)
    {
        if (ctx.ArgCount > 3)
        {
            ctx.SyntaxError();
            return;
        }
        if (ctx.ArgCount == 2)
        {
            if (!KeyLookup.TryGet<RedisSet>(ctx, ctx.Arg(1), forWrite: false, out var single)) return;
            if (single == null) ctx.Reply.WriteNull();
            else single.MemberAt(single.RandomPosition(Random.Shared)).WriteTo(ctx.Reply);
            return;
        }
        if (!RandomCount.TryParse(ctx, 2, out long requested)) return;
        if (!KeyLookup.TryGet<RedisSet>(ctx, ctx.Arg(1), forWrite: false, out var set)) return;
        if (set == null || requested == 0)
        {
            ctx.Reply.WriteArrayHeader(0);
            return;
        }
        var reply = ctx.Reply;
        var random = Random.Shared;
        int size = set.Count;
        // CASE 1: a negative count allows repeats: independent picks.
        if (requested < 0)
        {
            ulong count = (ulong)-requested;
            reply.WriteArrayHeader((int)Math.Min(count, int.MaxValue));
            for (ulong i = 0; i < count && RandomCount.KeepWriting(ctx); i++) set.MemberAt(set.RandomPosition(random)).WriteTo(reply);
            return;
        }
        // CASE 2: as many as there are or more: the whole set.
        if (requested >= size)
        {
            reply.WriteArrayHeader(size);
            foreach (var member in set) member.WriteTo(reply);
            return;
        }
        // CASES 3 and 4: distinct picks.
        reply.WriteArrayHeader((int)requested);
        foreach (int position in RandomCount.DistinctPositions(keepOrder: false, (int)requested, size, set.Positions, set.RandomPosition))
        {
            set.MemberAt(position).WriteTo(reply);
        }
    }

    private static void SPop(CommandContext ctx)
    {
        if (ctx.ArgCount > 3)
        {
            ctx.SyntaxError();
            return;
        }
        if (ctx.ArgCount == 3)
        {
            SPopWithCount(ctx);
            return;
        }
        var key = ctx.Arg(1);
        if (!KeyLookup.TryGet<RedisSet>(ctx, key, forWrite: true, out var set)) return;
        if (set == null)
        {
            ctx.Reply.WriteNull();
            return;
        }
        var member = set.MemberAt(set.RandomPosition(Random.Shared));
        set.Remove(member);
        ctx.Notify(KeyspaceEventType.Set, "spop", key);
        var memberBytes = member.ToBytes();
        ctx.PropagateAs = [SRemName, key.ToArray(), memberBytes];
        ctx.Reply.WriteBulkString(memberBytes);
        if (set.Count == 0)
        {
            ctx.Db.Delete(key);
            ctx.Notify(KeyspaceEventType.Generic, "del", key);
        }
        else
        {
            ctx.Db.SignalModified(key);
        }
        ctx.MarkDirty();
    }

    /// <summary>spopWithCountCommand: replies a set; propagates DEL, or one SREM per member popped.</summary>
    private static void SPopWithCount(CommandContext ctx)
    {
        if (!RedisNumbers.TryParseInt64(ctx.Arg(2), out long requested) || requested < 0)
        {
            ctx.Error(CountNotPositive);
            return;
        }
        var key = ctx.Arg(1);
        if (!KeyLookup.TryGet<RedisSet>(ctx, key, forWrite: true, out var set)) return;
        if (set == null || requested == 0)
        {
            ctx.Reply.WriteSetHeader(0);
            return;
        }
        int size = set.Count;
        ctx.Notify(KeyspaceEventType.Set, "spop", key);
        var reply = ctx.Reply;
        byte[] keyBytes = key.ToArray();

        // CASE 1: everything: the whole set goes, and replicas just delete it.
        if (requested >= size)
        {
            reply.WriteSetHeader(size);
            foreach (var member in set) member.WriteTo(reply);
            ctx.Db.Delete(key);
            ctx.Notify(KeyspaceEventType.Generic, "del", key);
            ctx.PropagateAs = [DelName, keyBytes];
            ctx.MarkDirty(requested + 1);
            return;
        }

        int count = (int)requested;
        int remaining = size - count;
        var random = Random.Shared;
        reply.WriteSetHeader(count);
        if ((long)remaining * SpopMoveFactor > count)
        {
            // CASE 2: few picks: pop random members one by one.
            for (int i = 0; i < count; i++)
            {
                var member = set.MemberAt(set.RandomPosition(random));
                var memberBytes = member.ToBytes();
                set.Remove(member);
                reply.WriteBulkString(memberBytes);
                ctx.AlsoPropagate([SRemName, keyBytes, memberBytes]);
            }
        }
        else
        {
            // CASE 3: most of the set: move random members to a new set that stays, pop all the rest.
            var kept = new RedisSet();
            var limits = EncodingLimits.From(ctx.Server.Config);
            for (int i = 0; i < remaining; i++)
            {
                var member = set.MemberAt(set.RandomPosition(random));
                kept.Add(member, limits);
                set.Remove(member);
            }
            foreach (var member in set)
            {
                var memberBytes = member.ToBytes();
                reply.WriteBulkString(memberBytes);
                ctx.AlsoPropagate([SRemName, keyBytes, memberBytes]);
            }
            ctx.Db.Overwrite(key, kept);
        }
        ctx.Db.SignalModified(key);
        ctx.MarkDirty(count + 1);
    }

    private static void SInterCard(CommandContext ctx)
    {
        if (!RedisNumbers.TryParseInt64(ctx.Arg(1), out long numKeys) || numKeys <= 0)
        {
            ctx.Error(NumKeysNotPositive);
            return;
        }
        if (numKeys > ctx.ArgCount - 2)
        {
            ctx.Error(TooManyKeys);
            return;
        }
        long limit = 0;
        for (int i = 2 + (int)numKeys; i < ctx.ArgCount; i++)
        {
            if (ctx.ArgIs(i, "limit"u8) && i + 1 < ctx.ArgCount)
            {
                if (!RedisNumbers.TryParseInt64(ctx.Arg(++i), out limit) || limit < 0)
                {
                    ctx.Error(NegativeLimit);
                    return;
                }
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        Intersect(ctx, 2, (int)numKeys, null, cardinalityOnly: true, limit);
    }

    /// <summary>
    /// Reads the sets of the <paramref name="count"/> keys from argument <paramref name="first"/>;
    /// a missing key is a null set. False after a WRONGTYPE reply (every key is checked).
    /// </summary>
    private static bool TryGetSets(CommandContext ctx, int first, int count, bool forWrite, out RedisSet?[] sets)
    {
        sets = new RedisSet?[count];
        for (int i = 0; i < count; i++)
        {
            if (!KeyLookup.TryGet<RedisSet>(ctx, ctx.Arg(first + i), forWrite, out sets[i])) return false;
        }
        return true;
    }

    /// <summary>
    /// sinterGenericCommand: SINTER and SMEMBERS reply the members, SINTERCARD their number (up to
    /// <paramref name="limit"/> when not 0), SINTERSTORE stores them at <paramref name="target"/>.
    /// </summary>
    private static void Intersect(CommandContext ctx, int first, int count, byte[]? target, bool cardinalityOnly, long limit)
    {
        if (!TryGetSets(ctx, first, count, forWrite: target != null, out var sets)) return;
        var reply = ctx.Reply;
        if (Array.IndexOf(sets, null) >= 0)
        {
            // An intersection with an empty set is empty.
            if (target != null) StoreResult(ctx, target, null, "sinterstore");
            else if (cardinalityOnly) reply.WriteInteger(0);
            else reply.WriteSetHeader(0);
            return;
        }
        // Smallest first: its members are the candidates.
        Array.Sort(sets, static (a, b) => a!.Count.CompareTo(b!.Count));
        var smallest = sets[0]!;
        RedisSet? result = target != null ? new RedisSet() : null;
        var limits = EncodingLimits.From(ctx.Server.Config);
        int mark = target == null && !cardinalityOnly ? reply.BeginDeferred() : 0;
        long found = 0;
        foreach (var member in smallest)
        {
            if (!InEvery(sets, member)) continue;
            found++;
            if (result != null) result.Add(member, limits);
            else if (!cardinalityOnly) member.WriteTo(reply);
            else if (found == limit) break;
        }
        if (result != null) StoreResult(ctx, target!, result, "sinterstore");
        else if (cardinalityOnly) reply.WriteInteger(found);
        else reply.EndDeferredSet(mark, (int)found);
    }

    private static bool InEvery(RedisSet?[] sets, SetMember member)
    {
        for (int i = 1; i < sets.Length; i++)
        {
            if (!ReferenceEquals(sets[i], sets[0]) && !sets[i]!.Contains(member)) return false;
        }
        return true;
    }

    /// <summary>sunionDiffGenericCommand: SUNION, SDIFF and their STORE forms.</summary>
    private static void Combine(CommandContext ctx, Algebra algebra, byte[]? target)
    {
        int first = target != null ? 2 : 1;
        if (!TryGetSets(ctx, first, ctx.ArgCount - first, forWrite: target != null, out var sets)) return;
        var result = new RedisSet();
        var limits = EncodingLimits.From(ctx.Server.Config);
        if (algebra == Algebra.Union)
        {
            foreach (var set in sets)
            {
                if (set == null) continue;
                foreach (var member in set) result.Add(member, limits);
            }
        }
        else if (sets[0] != null)
        {
            foreach (var member in sets[0]!)
            {
                if (!InAny(sets, member)) result.Add(member, limits);
            }
        }
        if (target != null)
        {
            StoreResult(ctx, target, result, algebra == Algebra.Union ? "sunionstore" : "sdiffstore");
            return;
        }
        ctx.Reply.WriteSetHeader(result.Count);
        foreach (var member in result) member.WriteTo(ctx.Reply);
    }

    /// <summary>Whether a set after the first holds <paramref name="member"/> (the first set itself counts as holding all of its own).</summary>
    private static bool InAny(RedisSet?[] sets, SetMember member)
    {
        for (int i = 1; i < sets.Length; i++)
        {
            if (sets[i] != null && (ReferenceEquals(sets[i], sets[0]) || sets[i]!.Contains(member))) return true;
        }
        return false;
    }

    /// <summary>The STORE forms' ending: a non-empty result replaces the target (TTL dropped), an empty one deletes it.</summary>
    private static void StoreResult(CommandContext ctx, byte[] target, RedisSet? result, string eventName)
    {
        if (result is { Count: > 0 })
        {
            ctx.Db.Set(target, result);
            ctx.Reply.WriteInteger(result.Count);
            ctx.Notify(KeyspaceEventType.Set, eventName, target);
            ctx.MarkDirty();
            return;
        }
        ctx.Reply.WriteInteger(0);
        if (!ctx.Db.Delete(target)) return;
        ctx.MarkDirty();
        ctx.Notify(KeyspaceEventType.Generic, "del", target);
    }

    private static void SScan(CommandContext ctx)
    {
        if (!ScanCommand.TryParseCursor(ctx.Arg(2), out ulong cursor))
        {
            ctx.Error(ScanCommand.InvalidCursor);
            return;
        }
        if (!KeyLookup.TryGet<RedisSet>(ctx, ctx.Arg(1), forWrite: false, out var set)) return;
        if (set == null)
        {
            ScanCommand.WriteReplyHeader(ctx, 0, 0);
            return;
        }
        if (!ScanCommand.TryParseOptions(ctx, 3, allowType: false, out var options)) return;
        bool usePattern = options.UsesPattern(ctx);
        var scanned = t_scanned ??= new List<byte[]>();
        try
        {
            if (set.IsIntSet)
            {
                // An intset is returned whole in one call, with cursor 0, whatever the COUNT.
                foreach (var member in set) scanned.Add(member.ToBytes());
                cursor = 0;
            }
            else
            {
                cursor = set.ScanTable(cursor, options.Count, scanned);
            }
            int kept = 0;
            for (int i = 0; i < scanned.Count; i++)
            {
                if (!usePattern || GlobPattern.IsMatch(ctx.Arg(options.PatternArg), scanned[i])) scanned[kept++] = scanned[i];
            }
            ScanCommand.WriteReplyHeader(ctx, cursor, kept);
            for (int i = 0; i < kept; i++) ctx.Reply.WriteBulkString(scanned[i]);
        }
        finally
        {
            scanned.Clear();
        }
    }
}
