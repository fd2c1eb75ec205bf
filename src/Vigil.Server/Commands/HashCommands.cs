using Vigil.Protocol;
using Vigil.Server.PubSub;
using Vigil.Server.Storage;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>Hash commands (t_hash.c). Values are <see cref="RedisHash"/>.</summary>
internal static class HashCommands
{
    private const string Group = "hash";
    private const string HashValueNotInteger = "ERR hash value is not an integer";
    private const string HashValueNotFloat = "ERR hash value is not a float";
    private const string IncrementNotFinite = "ERR value is NaN or Infinity";
    private const string ResultNotFinite = "ERR increment would produce NaN or Infinity";
    private const string CountOutOfRange = "ERR value is out of range";

    private static readonly byte[] HSetName = "HSET"u8.ToArray();

    [ThreadStatic]
    private static List<byte[]>? t_scanned;

    public static void Register(VigilServer server)
    {
        var t = server.Commands;
        t.Add("hset", -4, Write | DenyOom | Fast, 1, 1, 1, ctx => HSet(ctx, replyCreated: true), Group);
        t.Add("hmset", -4, Write | DenyOom | Fast, 1, 1, 1, ctx => HSet(ctx, replyCreated: false), Group);
        t.Add("hsetnx", 4, Write | DenyOom | Fast, 1, 1, 1, HSetNx, Group);
        t.Add("hget", 3, ReadOnly | Fast, 1, 1, 1, HGet, Group);
        t.Add("hmget", -3, ReadOnly | Fast, 1, 1, 1, HMGet, Group);
        t.Add("hdel", -3, Write | Fast, 1, 1, 1, HDel, Group);
        t.Add("hexists", 3, ReadOnly | Fast, 1, 1, 1, HExists, Group);
        t.Add("hlen", 2, ReadOnly | Fast, 1, 1, 1, HLen, Group);
        t.Add("hstrlen", 3, ReadOnly | Fast, 1, 1, 1, HStrLen, Group);
        t.Add("hkeys", 2, ReadOnly, 1, 1, 1, ctx => HGetAll(ctx, fields: true, values: false), Group);
        t.Add("hvals", 2, ReadOnly, 1, 1, 1, ctx => HGetAll(ctx, fields: false, values: true), Group);
        t.Add("hgetall", 2, ReadOnly, 1, 1, 1, ctx => HGetAll(ctx, fields: true, values: true), Group);
        t.Add("hincrby", 4, Write | DenyOom | Fast, 1, 1, 1, HIncrBy, Group);
        t.Add("hincrbyfloat", 4, Write | DenyOom | Fast, 1, 1, 1, HIncrByFloat, Group);
        t.Add("hrandfield", -2, ReadOnly, 1, 1, 1, HRandField, Group);
        t.Add("hscan", -3, ReadOnly, 1, 1, 1, HScan, Group);
    }

    private static void HSet(CommandContext ctx, bool replyCreated)
    {
        if (ctx.ArgCount % 2 == 1)
        {
            ctx.WrongArgCount();
            return;
        }
        var key = ctx.Arg(1);
        if (!KeyLookup.TryGet<RedisHash>(ctx, key, forWrite: true, out var hash)) return;
        var limits = EncodingLimits.From(ctx.Server.Config);
        bool created = hash == null;
        hash ??= new RedisHash();
        long added = 0;
        for (int i = 2; i < ctx.ArgCount; i += 2)
        {
            if (hash.Set(ctx.Arg(i), ctx.Arg(i + 1), limits)) added++;
        }
        Stored(ctx, key, hash, created);
        ctx.Notify(KeyspaceEventType.Hash, "hset", key);
        ctx.MarkDirty((ctx.ArgCount - 2) / 2);
        if (replyCreated) ctx.Reply.WriteInteger(added);
        else ctx.Reply.WriteOk();
    }

    /// <summary>Adds a new hash to the database, or tells watchers an existing one changed.</summary>
    private static void Stored(CommandContext ctx, ReadOnlySpan<byte> key, RedisHash hash, bool created)
    {
        if (created) ctx.Db.Set(key, hash);
        else ctx.Db.SignalModified(key);
    }

    private static void HSetNx(CommandContext ctx)
    {
        var key = ctx.Arg(1);
        if (!KeyLookup.TryGet<RedisHash>(ctx, key, forWrite: true, out var hash)) return;
        if (hash != null && hash.Contains(ctx.Arg(2)))
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        bool created = hash == null;
        hash ??= new RedisHash();
        hash.Set(ctx.Arg(2), ctx.Arg(3), EncodingLimits.From(ctx.Server.Config));
        Stored(ctx, key, hash, created);
        ctx.Notify(KeyspaceEventType.Hash, "hset", key);
        ctx.MarkDirty();
        ctx.Reply.WriteInteger(1);
    }

    private static void HGet(CommandContext ctx)
    {
        if (!KeyLookup.TryGet<RedisHash>(ctx, ctx.Arg(1), forWrite: false, out var hash)) return;
        if (hash != null && hash.TryGet(ctx.Arg(2), out var value)) ctx.Reply.WriteBulkString(value);
        else ctx.Reply.WriteNull();
    }

    private static void HMGet(CommandContext ctx)
    {
        if (!KeyLookup.TryGet<RedisHash>(ctx, ctx.Arg(1), forWrite: false, out var hash)) return;
        ctx.Reply.WriteArrayHeader(ctx.ArgCount - 2);
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            if (hash != null && hash.TryGet(ctx.Arg(i), out var value)) ctx.Reply.WriteBulkString(value);
            else ctx.Reply.WriteNull();
        }
    }

    private static void HDel(CommandContext ctx)
    {
        var key = ctx.Arg(1);
        if (!KeyLookup.TryGet<RedisHash>(ctx, key, forWrite: true, out var hash)) return;
        MemberRemoval.RemoveArguments(ctx, key, hash, KeyspaceEventType.Hash, "hdel");
    }

    private static void HExists(CommandContext ctx)
    {
        if (!KeyLookup.TryGet<RedisHash>(ctx, ctx.Arg(1), forWrite: false, out var hash)) return;
        ctx.Reply.WriteInteger(hash != null && hash.Contains(ctx.Arg(2)) ? 1 : 0);
    }

    private static void HLen(CommandContext ctx)
    {
        if (!KeyLookup.TryGet<RedisHash>(ctx, ctx.Arg(1), forWrite: false, out var hash)) return;
        ctx.Reply.WriteInteger(hash?.Count ?? 0);
    }

    private static void HStrLen(CommandContext ctx)
    {
        if (!KeyLookup.TryGet<RedisHash>(ctx, ctx.Arg(1), forWrite: false, out var hash)) return;
        ctx.Reply.WriteInteger(hash != null && hash.TryGet(ctx.Arg(2), out var value) ? value.Length : 0);
    }

    /// <summary>genericHgetallCommand: HGETALL is a map in RESP3, HKEYS and HVALS arrays.</summary>
    private static void HGetAll(CommandContext ctx, bool fields, bool values)
    {
        if (!KeyLookup.TryGet<RedisHash>(ctx, ctx.Arg(1), forWrite: false, out var hash)) return;
        int count = hash?.Count ?? 0;
        if (fields && values) ctx.Reply.WriteMapHeader(count);
        else ctx.Reply.WriteArrayHeader(count);
        if (hash == null) return;
        foreach (var pair in hash)
        {
            if (fields) ctx.Reply.WriteBulkString(pair.Field);
            if (values) ctx.Reply.WriteBulkString(pair.Value);
        }
    }

    private static void HIncrBy(CommandContext ctx)
    {
        if (!ctx.TryGetInt64(3, out long increment)) return;
        var key = ctx.Arg(1);
        if (!KeyLookup.TryGet<RedisHash>(ctx, key, forWrite: true, out var hash)) return;
        long value = 0;
        if (hash != null && hash.TryGet(ctx.Arg(2), out var current) && !RedisNumbers.TryParseInt64(current, out value))
        {
            ctx.Error(HashValueNotInteger);
            return;
        }
        if (StringCommands.AdditionOverflows(value, increment))
        {
            ctx.Error(Errors.Overflow);
            return;
        }
        value += increment;
        Span<byte> digits = stackalloc byte[20];
        int length = RedisNumbers.FormatInt64(value, digits);
        bool created = hash == null;
        hash ??= new RedisHash();
        hash.Set(ctx.Arg(2), digits[..length], EncodingLimits.From(ctx.Server.Config));
        Stored(ctx, key, hash, created);
        ctx.Notify(KeyspaceEventType.Hash, "hincrby", key);
        ctx.MarkDirty();
        ctx.Reply.WriteInteger(value);
    }

    private static void HIncrByFloat(CommandContext ctx)
    {
        if (!ExtendedFloat.TryParse(ctx.Arg(3), out var increment))
        {
            ctx.Error(Errors.NotFloat);
            return;
        }
        if (increment.IsInfinity)
        {
            ctx.Error(IncrementNotFinite);
            return;
        }
        var key = ctx.Arg(1);
        if (!KeyLookup.TryGet<RedisHash>(ctx, key, forWrite: true, out var hash)) return;
        ExtendedFloat value = default;
        if (hash != null && hash.TryGet(ctx.Arg(2), out var current) && !ExtendedFloat.TryParse(current, out value))
        {
            ctx.Error(HashValueNotFloat);
            return;
        }
        var sum = ExtendedFloat.Add(value, increment);
        if (sum.IsInfinity)
        {
            ctx.Error(ResultNotFinite);
            return;
        }
        var result = sum.ToBytes();
        bool created = hash == null;
        hash ??= new RedisHash();
        hash.Set(ctx.Arg(2), result, EncodingLimits.From(ctx.Server.Config));
        Stored(ctx, key, hash, created);
        ctx.Notify(KeyspaceEventType.Hash, "hincrbyfloat", key);
        ctx.MarkDirty();
        // Replicas store the exact text computed here, whatever their float arithmetic.
        ctx.PropagateAs = [HSetName, key.ToArray(), ctx.ArgBytes(2), result];
        ctx.Reply.WriteBulkString(result);
    }

    private static void HRandField(CommandContext ctx)
    {
        if (ctx.ArgCount == 2)
        {
            if (!KeyLookup.TryGet<RedisHash>(ctx, ctx.Arg(1), forWrite: false, out var single)) return;
            if (single == null)
            {
                ctx.Reply.WriteNull();
                return;
            }
            single.PairAt(single.RandomPosition(Random.Shared), out var field, out _);
            ctx.Reply.WriteBulkString(field);
            return;
        }
        if (!RandomCount.TryParse(ctx, 2, out long count)) return;
        bool withValues = false;
        if (ctx.ArgCount > 4 || (ctx.ArgCount == 4 && !ctx.ArgIs(3, "withvalues"u8)))
        {
            ctx.SyntaxError();
            return;
        }
        if (ctx.ArgCount == 4)
        {
            withValues = true;
            if (count < -long.MaxValue / 2 || count > long.MaxValue / 2)
            {
                ctx.Error(CountOutOfRange);
                return;
            }
        }
        if (!KeyLookup.TryGet<RedisHash>(ctx, ctx.Arg(1), forWrite: false, out var hash)) return;
        if (hash == null || count == 0)
        {
            ctx.Reply.WriteArrayHeader(0);
            return;
        }
        RandomFields(ctx, hash, count, withValues);
    }

    /// <summary>hrandfieldWithCountCommand, with Redis's four cases.</summary>
    private static void RandomFields(CommandContext ctx, RedisHash hash, long requested, bool withValues)
    {
        var reply = ctx.Reply;
        bool nested = withValues && reply.Version == RespVersion.Resp3;
        ulong count = requested < 0 ? (ulong)-requested : (ulong)requested;
        int size = hash.Count;
        var random = Random.Shared;
        ReadOnlySpan<byte> field, value;

        // CASE 1: a negative count (repeats allowed) or a single pick: independent random picks.
        if (requested < 0 || count == 1)
        {
            WritePairsHeader(reply, (long)count, withValues && !nested);
            int[]? positions = hash.IsPacked && count > 1 ? hash.Positions() : null;
            for (ulong i = 0; i < count && RandomCount.KeepWriting(ctx); i++)
            {
                hash.PairAt(positions != null ? positions[random.Next(positions.Length)] : hash.RandomPosition(random), out field, out value);
                WritePair(reply, field, value, withValues, nested);
            }
            return;
        }

        // CASE 2: as many as there are or more: the whole hash.
        if (count >= (ulong)size)
        {
            WritePairsHeader(reply, size, withValues && !nested);
            foreach (var pair in hash) WritePair(reply, pair.Field, pair.Value, withValues, nested);
            return;
        }

        int wanted = (int)count;
        WritePairsHeader(reply, wanted, withValues && !nested);
        foreach (int position in RandomCount.DistinctPositions(hash.IsPacked, wanted, size, hash.Positions, hash.RandomPosition))
        {
            hash.PairAt(position, out field, out value);
            WritePair(reply, field, value, withValues, nested);
        }
    }

    private static void WritePairsHeader(RespWriter reply, long pairs, bool flat) => reply.WriteArrayHeader((int)Math.Min(flat ? pairs * 2 : pairs, int.MaxValue));

    private static void WritePair(RespWriter reply, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value, bool withValues, bool nested)
    {
        if (nested) reply.WriteArrayHeader(2);
        reply.WriteBulkString(field);
        if (withValues) reply.WriteBulkString(value);
    }

    private static void HScan(CommandContext ctx)
    {
        if (!ScanCommand.TryParseCursor(ctx.Arg(2), out ulong cursor))
        {
            ctx.Error(ScanCommand.InvalidCursor);
            return;
        }
        if (!KeyLookup.TryGet<RedisHash>(ctx, ctx.Arg(1), forWrite: false, out var hash)) return;
        if (hash == null)
        {
            ScanCommand.WriteReplyHeader(ctx, 0, 0);
            return;
        }
        if (!ScanCommand.TryParseOptions(ctx, 3, allowType: false, out var options)) return;
        bool usePattern = options.UsesPattern(ctx);
        var reply = ctx.Reply;
        if (hash.IsPacked)
        {
            // A listpack is returned whole in one call, with cursor 0, whatever the COUNT.
            ScanCommand.WriteReplyHeader(ctx, 0, usePattern ? CountMatching(ctx, hash, options.PatternArg) * 2 : hash.Count * 2);
            foreach (var pair in hash)
            {
                if (usePattern && !GlobPattern.IsMatch(ctx.Arg(options.PatternArg), pair.Field)) continue;
                reply.WriteBulkString(pair.Field);
                reply.WriteBulkString(pair.Value);
            }
            return;
        }
        var scanned = t_scanned ??= new List<byte[]>();
        try
        {
            cursor = hash.ScanTable(cursor, options.Count, scanned);
            int kept = 0;
            for (int i = 0; i < scanned.Count; i += 2)
            {
                if (usePattern && !GlobPattern.IsMatch(ctx.Arg(options.PatternArg), scanned[i])) continue;
                scanned[kept++] = scanned[i];
                scanned[kept++] = scanned[i + 1];
            }
            ScanCommand.WriteReplyHeader(ctx, cursor, kept);
            for (int i = 0; i < kept; i++) reply.WriteBulkString(scanned[i]);
        }
        finally
        {
            scanned.Clear();
        }
    }

    private static int CountMatching(CommandContext ctx, RedisHash hash, int patternArg)
    {
        int count = 0;
        foreach (var pair in hash)
        {
            if (GlobPattern.IsMatch(ctx.Arg(patternArg), pair.Field)) count++;
        }
        return count;
    }
}
