using Vigil.Server.PubSub;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>Shared rules of the commands that set expiry times (expire.c).</summary>
internal static class ExpiryRules
{
    /// <summary>checkAlreadyExpired: a time in the past deletes the key, except on a replica, which waits for its master's DEL.</summary>
    public static bool AlreadyExpired(CommandContext ctx, long when) => when <= ctx.Now && !ctx.Server.Keyspace.IsReplica;

    public static void InvalidExpireTime(CommandContext ctx) => ctx.Error($"ERR invalid expire time in '{ctx.Command.FullName}' command");
}

/// <summary>EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST.</summary>
internal static class ExpireCommands
{
    private const string Group = "generic";

    [Flags]
    private enum Condition
    {
        None = 0,
        Nx = 1,
        Xx = 2,
        Gt = 4,
        Lt = 8,
    }

    public static void Register(VigilServer server)
    {
        var t = server.Commands;
        t.Add("expire", -3, Write | Fast, 1, 1, 1, ctx => Expire(ctx, relative: true, seconds: true), Group);
        t.Add("pexpire", -3, Write | Fast, 1, 1, 1, ctx => Expire(ctx, relative: true, seconds: false), Group);
        t.Add("expireat", -3, Write | Fast, 1, 1, 1, ctx => Expire(ctx, relative: false, seconds: true), Group);
        t.Add("pexpireat", -3, Write | Fast, 1, 1, 1, ctx => Expire(ctx, relative: false, seconds: false), Group);
        t.Add("ttl", 2, ReadOnly | Fast, 1, 1, 1, ctx => Ttl(ctx, milliseconds: false, absolute: false), Group);
        t.Add("pttl", 2, ReadOnly | Fast, 1, 1, 1, ctx => Ttl(ctx, milliseconds: true, absolute: false), Group);
        t.Add("expiretime", 2, ReadOnly | Fast, 1, 1, 1, ctx => Ttl(ctx, milliseconds: false, absolute: true), Group);
        t.Add("pexpiretime", 2, ReadOnly | Fast, 1, 1, 1, ctx => Ttl(ctx, milliseconds: true, absolute: true), Group);
        t.Add("persist", 2, Write | Fast, 1, 1, 1, Persist, Group);
    }

    /// <summary>expireGenericCommand.</summary>
    private static void Expire(CommandContext ctx, bool relative, bool seconds)
    {
        if (!TryParseCondition(ctx, out var condition)) return;
        if (!ctx.TryGetInt64(2, out long when)) return;
        if (seconds)
        {
            if (when > long.MaxValue / 1000 || when < long.MinValue / 1000)
            {
                ExpiryRules.InvalidExpireTime(ctx);
                return;
            }
            when *= 1000;
        }
        long basetime = relative ? ctx.Now : 0;
        if (when > long.MaxValue - basetime)
        {
            ExpiryRules.InvalidExpireTime(ctx);
            return;
        }
        when += basetime;

        var key = ctx.Arg(1);
        if (ctx.Db.Get(key) == null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        if (condition != Condition.None && !Satisfies(condition, ctx.Db.GetExpire(key), when))
        {
            ctx.Reply.WriteInteger(0);
            return;
        }

        if (ExpiryRules.AlreadyExpired(ctx, when))
        {
            ctx.Db.Delete(key);
            ctx.MarkDirty();
            ctx.PropagateAs = Rewrites.Del(key.ToArray());
            ctx.Notify(KeyspaceEventType.Generic, "del", key);
            ctx.Reply.WriteInteger(1);
            return;
        }
        ctx.Db.SetExpire(key, when);
        ctx.Reply.WriteInteger(1);
        // PEXPIREAT already carries an absolute time in ms: it propagates as sent.
        if (relative || seconds) ctx.PropagateAs = Rewrites.ExpireAsPExpireAt(ctx, when);
        ctx.Notify(KeyspaceEventType.Generic, "expire", key);
        ctx.MarkDirty();
    }

    /// <summary>NX: no current expiry. XX: has one. GT/LT: compares with it, no expiry counting as infinite.</summary>
    private static bool Satisfies(Condition condition, long current, long when)
    {
        if ((condition & Condition.Nx) != 0 && current != -1) return false;
        if ((condition & Condition.Xx) != 0 && current == -1) return false;
        if ((condition & Condition.Gt) != 0 && (when <= current || current == -1)) return false;
        if ((condition & Condition.Lt) != 0 && current != -1 && when >= current) return false;
        return true;
    }

    private static bool TryParseCondition(CommandContext ctx, out Condition condition)
    {
        condition = Condition.None;
        for (int i = 3; i < ctx.ArgCount; i++)
        {
            if (ctx.ArgIs(i, "nx"u8)) condition |= Condition.Nx;
            else if (ctx.ArgIs(i, "xx"u8)) condition |= Condition.Xx;
            else if (ctx.ArgIs(i, "gt"u8)) condition |= Condition.Gt;
            else if (ctx.ArgIs(i, "lt"u8)) condition |= Condition.Lt;
            else
            {
                ctx.Error($"ERR Unsupported option {ctx.ArgLatin1(i)}");
                return false;
            }
        }
        if ((condition & Condition.Nx) != 0 && (condition & (Condition.Xx | Condition.Gt | Condition.Lt)) != 0)
        {
            ctx.Error("ERR NX and XX, GT or LT options at the same time are not compatible");
            return false;
        }
        if ((condition & (Condition.Gt | Condition.Lt)) == (Condition.Gt | Condition.Lt))
        {
            ctx.Error("ERR GT and LT options at the same time are not compatible");
            return false;
        }
        return true;
    }

    /// <summary>ttlGenericCommand: -2 for a missing key, -1 without expiry, else the remaining or absolute time.</summary>
    private static void Ttl(CommandContext ctx, bool milliseconds, bool absolute)
    {
        var key = ctx.Arg(1);
        if (KeyLookup.ReadNoTouch(ctx, key) == null)
        {
            ctx.Reply.WriteInteger(-2);
            return;
        }
        long expire = ctx.Db.GetExpire(key);
        if (expire == -1)
        {
            ctx.Reply.WriteInteger(-1);
            return;
        }
        long ttl = absolute ? expire : expire - ctx.Now;
        if (ttl < 0) ttl = 0;
        ctx.Reply.WriteInteger(milliseconds ? ttl : (ttl + 500) / 1000);
    }

    private static void Persist(CommandContext ctx)
    {
        var key = ctx.Arg(1);
        if (ctx.Db.Get(key) == null || !ctx.Db.Persist(key))
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        ctx.Notify(KeyspaceEventType.Generic, "persist", key);
        ctx.Reply.WriteInteger(1);
        ctx.MarkDirty();
    }
}
