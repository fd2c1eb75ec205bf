using Vigil.Server.PubSub;
using Vigil.Server.Storage;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>Generic key commands (db.c). Expiry commands, SCAN and OBJECT live in their own classes.</summary>
internal static class KeyCommands
{
    private const string Group = "generic";
    private const string SameObject = "ERR source and destination objects are the same";
    private const string UnknownType = "ERR unknown type object";

    public static void Register(VigilServer server)
    {
        var t = server.Commands;
        t.Add("del", -2, Write, 1, -1, 1, Del, Group);
        t.Add("unlink", -2, Write | Fast, 1, -1, 1, Del, Group);
        t.Add("exists", -2, ReadOnly | Fast, 1, -1, 1, Exists, Group);
        t.Add("type", 2, ReadOnly | Fast, 1, 1, 1, Type, Group);
        t.Add("keys", 2, ReadOnly, 0, 0, 0, Keys, Group);
        t.Add("randomkey", 1, ReadOnly, 0, 0, 0, RandomKey, Group);
        t.Add("rename", 3, Write, 1, 2, 1, ctx => Rename(ctx, onlyIfAbsent: false), Group);
        t.Add("renamenx", 3, Write | Fast, 1, 2, 1, ctx => Rename(ctx, onlyIfAbsent: true), Group);
        t.Add("copy", -3, Write | DenyOom, 1, 2, 1, Copy, Group);
        t.Add("move", 3, Write | Fast, 1, 1, 1, Move, Group);
        t.Add("touch", -2, ReadOnly | Fast, 1, -1, 1, Touch, Group);
        ExpireCommands.Register(server);
        ScanCommand.Register(server);
        ObjectCommand.Register(server);
        // Keys removed by lazy or active expiry raise the "expired" event (notifyKeyspaceEvent in deleteExpiredKeyAndPropagate).
        server.Keyspace.KeyExpired += (db, key) => server.KeyspaceEvents?.Invoke(KeyspaceEventType.Expired, "expired", db.Id, key);
        // Every key a write creates raises "new" (dbAdd), before the command's own event; keys a load brings in do not.
        server.Keyspace.KeyAdded += (db, key) =>
        {
            if (!server.Loading) server.KeyspaceEvents?.Invoke(KeyspaceEventType.NewKey, "new", db.Id, key);
        };
    }

    /// <summary>DEL and UNLINK (Vigil frees memory through the GC either way).</summary>
    private static void Del(CommandContext ctx)
    {
        long deleted = 0;
        for (int i = 1; i < ctx.ArgCount; i++)
        {
            var key = ctx.Arg(i);
            if (!ctx.Db.Delete(key)) continue;
            ctx.Notify(KeyspaceEventType.Generic, "del", key);
            deleted++;
        }
        ctx.MarkDirty(deleted);
        ctx.Reply.WriteInteger(deleted);
    }

    private static void Exists(CommandContext ctx)
    {
        long found = 0;
        for (int i = 1; i < ctx.ArgCount; i++)
        {
            if (KeyLookup.ReadNoTouch(ctx, ctx.Arg(i)) != null) found++;
        }
        ctx.Reply.WriteInteger(found);
    }

    private static void Type(CommandContext ctx)
    {
        var value = KeyLookup.ReadNoTouch(ctx, ctx.Arg(1));
        ctx.Reply.WriteSimpleString(value == null ? "none" : RedisTypes.NameOf(value));
    }

    private static void Touch(CommandContext ctx)
    {
        long touched = 0;
        for (int i = 1; i < ctx.ArgCount; i++)
        {
            if (KeyLookup.Read(ctx, ctx.Arg(i)) != null) touched++;
        }
        ctx.Reply.WriteInteger(touched);
    }

    private static void Keys(CommandContext ctx)
    {
        var pattern = ctx.Arg(1);
        bool all = GlobPattern.MatchesAll(pattern);
        var db = ctx.Db;
        int mark = ctx.Reply.BeginDeferred();
        int count = 0;
        for (int slot = 0; slot < db.SlotCount; slot++)
        {
            byte[]? key = db.KeyAt(slot);
            if (key == null || (!all && !GlobPattern.IsMatch(pattern, key)) || db.IsExpiredAt(slot)) continue;
            ctx.Reply.WriteBulkString(key);
            count++;
        }
        ctx.Reply.EndDeferredArray(mark, count);
    }

    private static void RandomKey(CommandContext ctx)
    {
        var key = ctx.Db.RandomKey(Random.Shared);
        if (key == null) ctx.Reply.WriteNull();
        else ctx.Reply.WriteBulkString(key);
    }

    /// <summary>renameGenericCommand: the value moves with its expiry and access time.</summary>
    private static void Rename(CommandContext ctx, bool onlyIfAbsent)
    {
        var source = ctx.Arg(1);
        var target = ctx.Arg(2);
        var db = ctx.Db;
        var value = db.Get(source);
        if (value == null)
        {
            ctx.Error(Errors.NoSuchKey);
            return;
        }
        if (source.SequenceEqual(target))
        {
            if (onlyIfAbsent) ctx.Reply.WriteInteger(0);
            else ctx.Reply.WriteOk();
            return;
        }
        if (onlyIfAbsent && db.Get(target) != null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        long expire = db.GetExpire(source);
        uint stamp = db.AccessStampOf(source);
        db.Set(target, value);
        if (expire != -1) db.SetExpire(target, expire);
        db.SetAccessStamp(target, stamp);
        db.Delete(source);
        ctx.Notify(KeyspaceEventType.Generic, "rename_from", source);
        ctx.Notify(KeyspaceEventType.Generic, "rename_to", target);
        ctx.MarkDirty();
        if (onlyIfAbsent) ctx.Reply.WriteInteger(1);
        else ctx.Reply.WriteOk();
    }

    private static void Move(CommandContext ctx)
    {
        if (!TryGetDatabase(ctx, 2, out var target)) return;
        var source = ctx.Db;
        if (source == target)
        {
            ctx.Error(SameObject);
            return;
        }
        var key = ctx.Arg(1);
        var value = source.Get(key);
        if (value == null || target.Get(key) != null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        long expire = source.GetExpire(key);
        uint stamp = source.AccessStampOf(key);
        target.Set(key, value);
        if (expire != -1) target.SetExpire(key, expire);
        target.SetAccessStamp(key, stamp);
        source.Delete(key);
        ctx.Notify(KeyspaceEventType.Generic, "move_from", key);
        NotifyIn(ctx, target, "move_to", key);
        ctx.MarkDirty();
        ctx.Reply.WriteInteger(1);
    }

    private static void Copy(CommandContext ctx)
    {
        var source = ctx.Db;
        var target = source;
        bool replace = false;
        for (int i = 3; i < ctx.ArgCount; i++)
        {
            if (ctx.ArgIs(i, "replace"u8))
            {
                replace = true;
            }
            else if (ctx.ArgIs(i, "db"u8) && i + 1 < ctx.ArgCount)
            {
                if (!TryGetDatabase(ctx, ++i, out target)) return;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        var key = ctx.Arg(1);
        var newKey = ctx.Arg(2);
        if (source == target && key.SequenceEqual(newKey))
        {
            ctx.Error(SameObject);
            return;
        }
        var value = KeyLookup.Read(ctx, key);
        if (value == null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        long expire = source.GetExpire(key);
        if (target.Get(newKey) != null && !replace)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        object duplicate;
        switch (value)
        {
            case byte[] bytes:
                var copy = (byte[])bytes.Clone();
                StringEncodingMarks.CopyMark(bytes, copy);
                duplicate = copy;
                break;
            case ICloneableValue cloneable:
                duplicate = cloneable.Clone();
                break;
            default:
                ctx.Error(UnknownType);
                return;
        }
        target.Set(newKey, duplicate);
        if (expire != -1) target.SetExpire(newKey, expire);
        NotifyIn(ctx, target, "copy_to", newKey);
        ctx.MarkDirty();
        ctx.Reply.WriteInteger(1);
    }

    /// <summary>A database index argument (getIntFromObjectOrReply, then selectDb's range check).</summary>
    private static bool TryGetDatabase(CommandContext ctx, int index, out Database database)
    {
        database = null!;
        if (!ctx.TryGetInt32(index, out int id)) return false;
        var keyspace = ctx.Server.Keyspace;
        if (id < 0 || id >= keyspace.DatabaseCount)
        {
            ctx.Error(Errors.InvalidDb);
            return false;
        }
        database = keyspace[id];
        return true;
    }

    /// <summary>A generic keyspace event in a database other than the client's (MOVE and COPY targets).</summary>
    private static void NotifyIn(CommandContext ctx, Database db, string eventName, ReadOnlySpan<byte> key) =>
        ctx.Server.KeyspaceEvents?.Invoke(KeyspaceEventType.Generic, eventName, db.Id, key);
}
