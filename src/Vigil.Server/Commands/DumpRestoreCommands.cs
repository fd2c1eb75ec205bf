using Vigil.Protocol;
using Vigil.Server.Persistence;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>DUMP and RESTORE, with Redis's serialization format (payload, RDB version, CRC-64).</summary>
internal static class DumpRestoreCommands
{
    private const string Group = "generic";

    public static void Register(VigilServer server)
    {
        var t = server.Commands;
        t.Add("dump", 2, ReadOnly, 1, 1, 1, Dump, Group);
        t.Add("restore", -4, Write | DenyOom, 1, 1, 1, Restore, Group);
    }

    private static void Dump(CommandContext ctx)
    {
        var value = ctx.Db.Get(ctx.Arg(1));
        if (value == null)
        {
            ctx.Reply.WriteNull();
            return;
        }
        ctx.Reply.WriteBulkString(DumpPayload.Create(value));
    }

    private static void Restore(CommandContext ctx)
    {
        bool replace = false, absoluteTtl = false;
        for (int i = 4; i < ctx.ArgCount; i++)
        {
            bool more = i + 1 < ctx.ArgCount;
            if (ctx.ArgIs(i, "replace"u8)) replace = true;
            else if (ctx.ArgIs(i, "absttl"u8)) absoluteTtl = true;
            else if (ctx.ArgIs(i, "idletime"u8) && more)
            {
                if (!ctx.TryGetInt64(i + 1, out long idle)) return;
                if (idle < 0)
                {
                    ctx.Error("ERR Invalid IDLETIME value, must be >= 0");
                    return;
                }
                i++;
            }
            else if (ctx.ArgIs(i, "freq"u8) && more)
            {
                if (!ctx.TryGetInt64(i + 1, out long freq)) return;
                if (freq is < 0 or > 255)
                {
                    ctx.Error("ERR Invalid FREQ value, must be >= 0 and <= 255");
                    return;
                }
                i++;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        if (!RedisNumbers.TryParseInt64(ctx.Arg(2), out long ttl))
        {
            ctx.Error("ERR Invalid TTL value, must be >= 0");
            return;
        }
        if (ttl < 0)
        {
            ctx.Error("ERR Invalid TTL value, must be >= 0");
            return;
        }
        var key = ctx.Arg(1);
        var db = ctx.Db;
        if (!replace && db.Exists(key))
        {
            ctx.Error("BUSYKEY Target key name already exists.");
            return;
        }
        var payload = ctx.Arg(3);
        if (!DumpPayload.IsValid(payload))
        {
            ctx.Error("ERR DUMP payload version or checksum are wrong");
            return;
        }
        var value = DumpPayload.Read(payload.ToArray(), Storage.EncodingLimits.From(ctx.Server.Config));
        if (value == null)
        {
            ctx.Error("ERR Bad data format");
            return;
        }
        bool existed = replace && db.Delete(key);
        long when = ttl == 0 ? -1 : absoluteTtl ? ttl : ctx.Now + ttl;
        if (when >= 0 && when <= ctx.Now)
        {
            // Already expired: the key is not created (and a replaced key stays deleted).
            if (existed)
            {
                ctx.MarkDirty();
                ctx.PropagateAs = [System.Text.Encoding.ASCII.GetBytes("DEL"), key.ToArray()];
            }
            ctx.Reply.WriteOk();
            return;
        }
        db.Set(key, value);
        if (when >= 0) db.SetExpire(key, when);
        ctx.MarkDirty();
        ctx.Notify(PubSub.KeyspaceEventType.Generic, "restore", key);
        ctx.Reply.WriteOk();
    }
}
