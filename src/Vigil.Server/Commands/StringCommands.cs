using Vigil.Protocol;
using Vigil.Server.PubSub;
using Vigil.Server.Storage;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>
/// String commands (t_string.c). Stored strings are byte arrays that are never modified in place:
/// every change stores a new array, so any holder of a value can keep it.
/// </summary>
internal static class StringCommands
{
    private const string Group = "string";
    private const string NotANumber = "ERR increment would produce NaN or Infinity";
    private const string OffsetOutOfRange = "ERR offset is out of range";
    private const string DecrementOverflow = "ERR decrement would overflow";

    public static void Register(VigilServer server)
    {
        var t = server.Commands;
        t.Add("get", 2, ReadOnly | Fast, 1, 1, 1, Get, Group);
        t.Add("set", -3, Write | DenyOom, 1, 1, 1, Set, Group);
        t.Add("setnx", 3, Write | DenyOom | Fast, 1, 1, 1, SetNx, Group);
        t.Add("setex", 4, Write | DenyOom, 1, 1, 1, SetEx, Group);
        t.Add("psetex", 4, Write | DenyOom, 1, 1, 1, PSetEx, Group);
        t.Add("getset", 3, Write | DenyOom | Fast, 1, 1, 1, GetSet, Group);
        t.Add("getdel", 2, Write | Fast, 1, 1, 1, GetDel, Group);
        t.Add("getex", -2, Write | Fast, 1, 1, 1, GetEx, Group);
        t.Add("mget", -2, ReadOnly | Fast, 1, -1, 1, MGet, Group);
        t.Add("mset", -3, Write | DenyOom, 1, -1, 2, MSet, Group);
        t.Add("msetnx", -3, Write | DenyOom, 1, -1, 2, MSetNx, Group);
        t.Add("append", 3, Write | DenyOom | Fast, 1, 1, 1, Append, Group);
        t.Add("strlen", 2, ReadOnly | Fast, 1, 1, 1, StrLen, Group);
        t.Add("incr", 2, Write | DenyOom | Fast, 1, 1, 1, ctx => IncrBy(ctx, 1), Group);
        t.Add("decr", 2, Write | DenyOom | Fast, 1, 1, 1, ctx => IncrBy(ctx, -1), Group);
        t.Add("incrby", 3, Write | DenyOom | Fast, 1, 1, 1, IncrBy, Group);
        t.Add("decrby", 3, Write | DenyOom | Fast, 1, 1, 1, DecrBy, Group);
        t.Add("incrbyfloat", 3, Write | DenyOom | Fast, 1, 1, 1, IncrByFloat, Group);
        t.Add("getrange", 4, ReadOnly, 1, 1, 1, GetRange, Group);
        t.Add("substr", 4, ReadOnly, 1, 1, 1, GetRange, Group);
        t.Add("setrange", 4, Write | DenyOom, 1, 1, 1, SetRange, Group);
        t.Add("lcs", -3, ReadOnly, 1, 2, 1, LcsCommand.Lcs, Group);
    }

    private static void Get(CommandContext ctx) => ReplyValue(ctx, KeyLookup.Read(ctx, ctx.Arg(1)));

    /// <summary>getGenericCommand: replies the string or nil; false (after a WRONGTYPE error) for another type.</summary>
    private static bool ReplyValue(CommandContext ctx, object? value)
    {
        if (value == null)
        {
            ctx.Reply.WriteNull();
            return true;
        }
        if (value is not byte[] bytes)
        {
            ctx.WrongType();
            return false;
        }
        ctx.Reply.WriteBulkString(bytes);
        return true;
    }

    private static void Set(CommandContext ctx)
    {
        if (ctx.ArgCount == 3)
        {
            // The plain SET: no option to parse, one table operation.
            var key = ctx.Arg(1);
            ctx.Db.Set(key, ctx.ArgBytes(2));
            ctx.MarkDirty();
            ctx.Notify(KeyspaceEventType.String, "set", key);
            ctx.Reply.WriteOk();
            return;
        }
        if (!StringOptions.TryParse(ctx, 3, forSet: true, out var options)) return;
        SetGeneric(ctx, options, 2, SetOutcomeReply.OkOrNull);
    }

    private static void SetNx(CommandContext ctx) =>
        SetGeneric(ctx, new StringOptions { Flags = StringOptionFlags.Nx }, 2, SetOutcomeReply.OneOrZero);

    private static void SetEx(CommandContext ctx) =>
        SetGeneric(ctx, new StringOptions { Flags = StringOptionFlags.Ex, ExpireArg = 2 }, 3, SetOutcomeReply.OkOrNull);

    private static void PSetEx(CommandContext ctx) =>
        SetGeneric(ctx, new StringOptions { Flags = StringOptionFlags.Px, ExpireArg = 2 }, 3, SetOutcomeReply.OkOrNull);

    private enum SetOutcomeReply
    {
        /// <summary>SET: +OK, or nil when NX/XX stopped it.</summary>
        OkOrNull,
        /// <summary>SETNX: :1 or :0.</summary>
        OneOrZero,
    }

    /// <summary>setGenericCommand: the key is argument 1, the value argument <paramref name="valueArg"/>.</summary>
    private static void SetGeneric(CommandContext ctx, StringOptions options, int valueArg, SetOutcomeReply reply)
    {
        long when = 0;
        bool hasExpire = options.ExpireArg > 0;
        if (hasExpire && !options.TryGetExpireTime(ctx, out when)) return;
        var key = ctx.Arg(1);
        bool get = options.Has(StringOptionFlags.Get);
        if (get && !ReplyValue(ctx, KeyLookup.Read(ctx, key))) return;

        bool found = ctx.Db.Get(key) != null;
        if ((options.Has(StringOptionFlags.Nx) && found) || (options.Has(StringOptionFlags.Xx) && !found))
        {
            if (!get)
            {
                if (reply == SetOutcomeReply.OneOrZero) ctx.Reply.WriteInteger(0);
                else ctx.Reply.WriteNull();
            }
            return;
        }

        var value = ctx.ArgBytes(valueArg);
        ctx.Db.Set(key, value, keepTtl: options.Has(StringOptionFlags.KeepTtl));
        ctx.MarkDirty();
        ctx.Notify(KeyspaceEventType.String, "set", key);
        if (hasExpire)
        {
            ctx.Db.SetExpire(key, when);
            // Replicas and the AOF get the absolute time, so that the key dies at the same moment everywhere.
            ctx.PropagateAs = Rewrites.SetPxAt(key.ToArray(), value, when);
            ctx.Notify(KeyspaceEventType.Generic, "expire", key);
        }
        if (!get)
        {
            if (reply == SetOutcomeReply.OneOrZero) ctx.Reply.WriteInteger(1);
            else ctx.Reply.WriteOk();
        }
        else if (!hasExpire)
        {
            ctx.PropagateAs = WithoutGetOption(ctx);
        }
    }

    /// <summary>The SET command as sent minus its GET options, which replicas have no use for.</summary>
    private static byte[][] WithoutGetOption(CommandContext ctx)
    {
        var args = new List<byte[]>(ctx.ArgCount);
        for (int i = 0; i < ctx.ArgCount; i++)
        {
            if (i >= 3 && ctx.ArgIs(i, "get"u8)) continue;
            args.Add(ctx.ArgBytes(i));
        }
        return args.ToArray();
    }

    private static void GetSet(CommandContext ctx)
    {
        var key = ctx.Arg(1);
        if (!ReplyValue(ctx, KeyLookup.Read(ctx, key))) return;
        var value = ctx.ArgBytes(2);
        ctx.Db.Set(key, value);
        ctx.Notify(KeyspaceEventType.String, "set", key);
        ctx.MarkDirty();
        ctx.PropagateAs = Rewrites.Set(key.ToArray(), value);
    }

    private static void GetDel(CommandContext ctx)
    {
        var key = ctx.Arg(1);
        var value = KeyLookup.Read(ctx, key);
        if (!ReplyValue(ctx, value) || value == null) return;
        ctx.Db.Delete(key);
        ctx.PropagateAs = Rewrites.Del(key.ToArray());
        ctx.Notify(KeyspaceEventType.Generic, "del", key);
        ctx.MarkDirty();
    }

    private static void GetEx(CommandContext ctx)
    {
        if (!StringOptions.TryParse(ctx, 2, forSet: false, out var options)) return;
        var key = ctx.Arg(1);
        var value = KeyLookup.Read(ctx, key);
        if (value == null)
        {
            ctx.Reply.WriteNull();
            return;
        }
        if (value is not byte[] bytes)
        {
            ctx.WrongType();
            return;
        }
        long when = 0;
        bool hasExpire = options.ExpireArg > 0;
        if (hasExpire && !options.TryGetExpireTime(ctx, out when)) return;
        ctx.Reply.WriteBulkString(bytes);

        if (options.Has(StringOptionFlags.ExAt | StringOptionFlags.PxAt) && ExpiryRules.AlreadyExpired(ctx, when))
        {
            ctx.Db.Delete(key);
            ctx.PropagateAs = Rewrites.Del(key.ToArray());
            ctx.Notify(KeyspaceEventType.Generic, "del", key);
            ctx.MarkDirty();
        }
        else if (hasExpire)
        {
            ctx.Db.SetExpire(key, when);
            ctx.PropagateAs = Rewrites.PExpireAt(key.ToArray(), when);
            ctx.Notify(KeyspaceEventType.Generic, "expire", key);
            ctx.MarkDirty();
        }
        else if (options.Has(StringOptionFlags.Persist) && ctx.Db.Persist(key))
        {
            ctx.PropagateAs = Rewrites.Persist(key.ToArray());
            ctx.Notify(KeyspaceEventType.Generic, "persist", key);
            ctx.MarkDirty();
        }
    }

    private static void MGet(CommandContext ctx)
    {
        ctx.Reply.WriteArrayHeader(ctx.ArgCount - 1);
        for (int i = 1; i < ctx.ArgCount; i++)
        {
            if (KeyLookup.Read(ctx, ctx.Arg(i)) is byte[] bytes) ctx.Reply.WriteBulkString(bytes);
            else ctx.Reply.WriteNull();
        }
    }

    private static void MSet(CommandContext ctx)
    {
        if (ctx.ArgCount % 2 == 0)
        {
            ctx.WrongArgCount();
            return;
        }
        SetPairs(ctx);
        ctx.Reply.WriteOk();
    }

    private static void MSetNx(CommandContext ctx)
    {
        if (ctx.ArgCount % 2 == 0)
        {
            ctx.WrongArgCount();
            return;
        }
        for (int i = 1; i < ctx.ArgCount; i += 2)
        {
            if (ctx.Db.Get(ctx.Arg(i)) != null)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
        }
        SetPairs(ctx);
        ctx.Reply.WriteInteger(1);
    }

    private static void SetPairs(CommandContext ctx)
    {
        for (int i = 1; i < ctx.ArgCount; i += 2)
        {
            var key = ctx.Arg(i);
            ctx.Db.Set(key, ctx.ArgBytes(i + 1));
            ctx.Notify(KeyspaceEventType.String, "set", key);
        }
        ctx.MarkDirty((ctx.ArgCount - 1) / 2);
    }

    private static void Append(CommandContext ctx)
    {
        var key = ctx.Arg(1);
        var suffix = ctx.Arg(2);
        var current = ctx.Db.Get(key);
        byte[] result;
        if (current == null)
        {
            result = suffix.ToArray();
            ctx.Db.Set(key, result);
        }
        else
        {
            if (current is not byte[] bytes)
            {
                ctx.WrongType();
                return;
            }
            if (!CheckStringLength(ctx, bytes.Length, suffix.Length)) return;
            result = new byte[bytes.Length + suffix.Length];
            bytes.CopyTo(result, 0);
            suffix.CopyTo(result.AsSpan(bytes.Length));
            StringEncodingMarks.MarkRaw(result);
            ctx.Db.Set(key, result, keepTtl: true);
        }
        ctx.Notify(KeyspaceEventType.String, "append", key);
        ctx.MarkDirty();
        ctx.Reply.WriteInteger(result.Length);
    }

    /// <summary>checkStringLength: the result may not exceed proto-max-bulk-len (the master's stream is exempt).</summary>
    private static bool CheckStringLength(CommandContext ctx, long size, long append)
    {
        if (ctx.Client.HasFlag(Clients.ClientFlags.Master)) return true;
        long total = size + append;
        if (total > ctx.Server.Config.ProtoMaxBulkLen || total > Array.MaxLength || total < size)
        {
            ctx.Error(Errors.StringTooLong);
            return false;
        }
        return true;
    }

    private static void StrLen(CommandContext ctx)
    {
        var value = KeyLookup.Read(ctx, ctx.Arg(1));
        if (value == null) ctx.Reply.WriteInteger(0);
        else if (value is byte[] bytes) ctx.Reply.WriteInteger(bytes.Length);
        else ctx.WrongType();
    }

    private static void IncrBy(CommandContext ctx)
    {
        if (!ctx.TryGetInt64(2, out long increment)) return;
        IncrBy(ctx, increment);
    }

    private static void DecrBy(CommandContext ctx)
    {
        if (!ctx.TryGetInt64(2, out long decrement)) return;
        if (decrement == long.MinValue)
        {
            ctx.Error(DecrementOverflow);
            return;
        }
        IncrBy(ctx, -decrement);
    }

    /// <summary>incrDecrCommand.</summary>
    private static void IncrBy(CommandContext ctx, long increment)
    {
        var key = ctx.Arg(1);
        var current = ctx.Db.Get(key);
        long value = 0;
        if (current != null)
        {
            if (current is not byte[] bytes)
            {
                ctx.WrongType();
                return;
            }
            if (!RedisNumbers.TryParseInt64(bytes, out value))
            {
                ctx.Error(Errors.NotInteger);
                return;
            }
        }
        if (AdditionOverflows(value, increment))
        {
            ctx.Error(Errors.Overflow);
            return;
        }
        value += increment;
        ctx.Db.Set(key, SharedIntegers.For(value) ?? Rewrites.Number(value), keepTtl: true);
        ctx.Notify(KeyspaceEventType.String, "incrby", key);
        ctx.MarkDirty();
        ctx.Reply.WriteInteger(value);
    }

    /// <summary>True when <paramref name="value"/> + <paramref name="increment"/> leaves the 64-bit range (INCRBY, HINCRBY).</summary>
    internal static bool AdditionOverflows(long value, long increment) =>
        (increment < 0 && value < 0 && increment < long.MinValue - value) ||
        (increment > 0 && value > 0 && increment > long.MaxValue - value);

    private static void IncrByFloat(CommandContext ctx)
    {
        var key = ctx.Arg(1);
        var current = ctx.Db.Get(key);
        ExtendedFloat value = default;
        if (current != null)
        {
            if (current is not byte[] bytes)
            {
                ctx.WrongType();
                return;
            }
            if (!ExtendedFloat.TryParse(bytes, out value))
            {
                ctx.Error(Errors.NotFloat);
                return;
            }
        }
        if (!ExtendedFloat.TryParse(ctx.Arg(2), out var increment))
        {
            ctx.Error(Errors.NotFloat);
            return;
        }
        var sum = ExtendedFloat.Add(value, increment);
        if (sum.IsInfinity)
        {
            ctx.Error(NotANumber);
            return;
        }
        var result = sum.ToBytes();
        StringEncodingMarks.MarkUnencoded(result);
        ctx.Db.Set(key, result, keepTtl: true);
        ctx.Notify(KeyspaceEventType.String, "incrbyfloat", key);
        ctx.MarkDirty();
        ctx.Reply.WriteBulkString(result);
        // Replicas store the exact text, whatever their own float arithmetic would produce.
        ctx.PropagateAs = Rewrites.SetKeepTtl(key.ToArray(), result);
    }

    private static void GetRange(CommandContext ctx)
    {
        if (!ctx.TryGetInt64(2, out long start) || !ctx.TryGetInt64(3, out long end)) return;
        var value = KeyLookup.Read(ctx, ctx.Arg(1));
        if (value == null)
        {
            ctx.Reply.WriteBulkString(ReadOnlySpan<byte>.Empty);
            return;
        }
        if (value is not byte[] bytes)
        {
            ctx.WrongType();
            return;
        }
        long length = bytes.Length;
        if (start < 0 && end < 0 && start > end)
        {
            ctx.Reply.WriteBulkString(ReadOnlySpan<byte>.Empty);
            return;
        }
        if (start < 0) start = length + start;
        if (end < 0) end = length + end;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= length) end = length - 1;
        if (start > end || length == 0) ctx.Reply.WriteBulkString(ReadOnlySpan<byte>.Empty);
        else ctx.Reply.WriteBulkString(bytes.AsSpan((int)start, (int)(end - start + 1)));
    }

    private static void SetRange(CommandContext ctx)
    {
        if (!ctx.TryGetInt64(2, out long offset)) return;
        if (offset < 0)
        {
            ctx.Error(OffsetOutOfRange);
            return;
        }
        var key = ctx.Arg(1);
        var patch = ctx.Arg(3);
        var current = ctx.Db.Get(key);
        byte[] result;
        if (current == null)
        {
            if (patch.Length == 0)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
            if (!CheckStringLength(ctx, offset, patch.Length)) return;
            result = new byte[offset + patch.Length];
            patch.CopyTo(result.AsSpan((int)offset));
            StringEncodingMarks.MarkRaw(result);
            ctx.Db.Set(key, result);
        }
        else
        {
            if (current is not byte[] bytes)
            {
                ctx.WrongType();
                return;
            }
            if (patch.Length == 0)
            {
                ctx.Reply.WriteInteger(bytes.Length);
                return;
            }
            if (!CheckStringLength(ctx, offset, patch.Length)) return;
            result = new byte[Math.Max(bytes.Length, offset + patch.Length)];
            bytes.CopyTo(result, 0);
            patch.CopyTo(result.AsSpan((int)offset));
            StringEncodingMarks.MarkRaw(result);
            ctx.Db.Set(key, result, keepTtl: true);
        }
        ctx.Notify(KeyspaceEventType.String, "setrange", key);
        ctx.MarkDirty();
        ctx.Reply.WriteInteger(result.Length);
    }
}
