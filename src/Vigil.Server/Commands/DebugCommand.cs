using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Vigil.Protocol;
using Vigil.Server.Persistence;
using Vigil.Server.Storage;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>
/// DEBUG (debug.c), refused unless enable-debug-command allows it. The subcommands test harnesses
/// and tools use; other features add theirs (RELOAD, LOADAOF) to the same command.
/// </summary>
internal static class DebugCommand
{
    private const string ProtocolTypes = "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false";

    private static readonly string[] HelpLines =
    [
        "CHANGE-REPL-ID",
        "    Change the replication IDs of the instance.",
        "    Dangerous: should be used only for testing the replication subsystem.",
        "DIGEST",
        "    Output a hex signature representing the current DB content.",
        "DIGEST-VALUE <key> [<key> ...]",
        "    Output a hex signature of the values of all the specified keys.",
        "ERROR <string>",
        "    Return a Redis protocol error with <string> as message. Useful for clients",
        "    unit tests to simulate Redis errors.",
        "LOG <message>",
        "    Write <message> to the server log.",
        "OBJECT <key>",
        "    Show low level info about `key` and associated value.",
        "POPULATE <count> [<prefix>] [<size>]",
        "    Create <count> string keys named key:<num>. If <prefix> is specified then",
        "    it is used instead of the 'key' prefix. These are not propagated to",
        "    replicas. Cluster slots are not respected so keys not belonging to the",
        "    current node can be created in cluster mode.",
        "PROTOCOL <type>",
        "    Reply with a test value of the specified type. <type> can be: string,",
        "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
        "    true, false.",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Setting it to 0 disables expiring keys in background when they are not",
        "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
        "    default.",
        "SLEEP <seconds>",
        "    Stop the server for <seconds>. Decimals allowed.",
        "PAUSE-CRON <0|1>",
        "    Stop periodic cron job processing.",
    ];

    public static void Register(VigilServer server)
    {
        var debug = server.Commands.AddDispatcher("debug", -2, Admin | NoScript | Loading | Stale | Protected, "server");
        debug.AddSubcommand("help", 2, None, ctx => Help.Write(ctx, HelpLines));
        debug.AddSubcommand("sleep", 3, None, Sleep);
        debug.AddSubcommand("set-active-expire", 3, None, ctx => SetSwitch(ctx, on => ctx.Server.ActiveExpireEnabled = on));
        debug.AddSubcommand("pause-cron", 3, None, ctx => SetSwitch(ctx, on => ctx.Server.CronPaused = on));
        debug.AddSubcommand("object", 3, None, Object);
        debug.AddSubcommand("digest", 2, None, Digest);
        debug.AddSubcommand("digest-value", -2, None, DigestValue);
        debug.AddSubcommand("protocol", 3, None, Protocol);
        debug.AddSubcommand("log", 3, None, ctx =>
        {
            ctx.Server.Log.Warning("DEBUG LOG: " + ctx.ArgLatin1(2));
            ctx.Reply.WriteOk();
        });
        debug.AddSubcommand("error", 3, None, ctx => ctx.Error(ctx.ArgLatin1(2)));
        debug.AddSubcommand("populate", -3, None, Populate);
        debug.AddSubcommand("change-repl-id", 2, None, ctx =>
        {
            ctx.Server.Replication.StartNewHistory();
            ctx.Reply.WriteOk();
        });
    }

    /// <summary>DEBUG SLEEP seconds: the whole server stops, as Redis (atof: anything unparsable is 0).</summary>
    private static void Sleep(CommandContext ctx)
    {
        double seconds = double.TryParse(ctx.ArgLatin1(2), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) ? s : 0;
        if (seconds > 0) Thread.Sleep(TimeSpan.FromSeconds(seconds));
        ctx.Reply.WriteOk();
    }

    /// <summary>0 turns off, anything else (atoi) turns on.</summary>
    private static void SetSwitch(CommandContext ctx, Action<bool> set)
    {
        set(int.TryParse(ctx.ArgLatin1(2), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) && v != 0);
        ctx.Reply.WriteOk();
    }

    private static void Object(CommandContext ctx)
    {
        var key = ctx.Arg(2);
        var value = ctx.Db.Peek(key);
        if (value == null)
        {
            ctx.Error(Errors.NoSuchKey);
            return;
        }
        string encoding = value is byte[] bytes ? StringEncodingMarks.EncodingOf(bytes) : ((IRedisValue)value).Encoding;
        uint stamp = ctx.Db.AccessStampOf(key);
        long idle = ctx.Server.Keyspace.LfuEnabled ? 0 : KeyAccess.IdleMilliseconds(stamp, ctx.Server.Keyspace) / 1000;
        ctx.Reply.WriteSimpleString(string.Create(CultureInfo.InvariantCulture,
            $"Value at:0x{System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(value):x12} refcount:1 encoding:{encoding} " +
            $"serializedlength:{SerializedLength(value)} lru:{stamp & 0xFFFFFF} lru_seconds_idle:{idle}"));
    }

    /// <summary>rdbSavedObjectLen: the value's RDB form, without the DUMP payload's type byte, version and checksum.</summary>
    private static long SerializedLength(object value) => DumpPayload.Create(value).Length - 11;

    /// <summary>
    /// DEBUG DIGEST (computeDatasetDigest): every key and value mixed into 20 bytes, so that two nodes
    /// holding the same data answer the same. Strings follow Redis's algorithm exactly; other types
    /// are digested through their RDB form.
    /// </summary>
    private static void Digest(CommandContext ctx)
    {
        var final = new byte[20];
        var keyspace = ctx.Server.Keyspace;
        Span<byte> dbId = stackalloc byte[4];
        for (int d = 0; d < keyspace.DatabaseCount; d++)
        {
            var db = keyspace[d];
            if (db.Count == 0) continue;
            BinaryPrimitives.WriteUInt32BigEndian(dbId, (uint)d);
            Mix(final, dbId);
            var digest = new byte[20];
            for (int slot = 0; slot < db.SlotCount; slot++)
            {
                var key = db.Main.KeyAt(slot);
                if (key == null || db.IsExpiredAt(slot)) continue;
                Array.Clear(digest);
                Mix(digest, key);
                XorValue(digest, db, key, db.ValueAt(slot));
                // xorDigest: the key's digest goes in through its own SHA1.
                Xor(final, SHA1.HashData(digest));
            }
        }
        ctx.Reply.WriteSimpleString(Convert.ToHexString(final).ToLowerInvariant());
    }

    private static void DigestValue(CommandContext ctx)
    {
        ctx.Reply.WriteArrayHeader(ctx.ArgCount - 2);
        var digest = new byte[20];
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            Array.Clear(digest);
            var value = ctx.Db.Peek(ctx.Arg(i));
            if (value != null) XorValue(digest, ctx.Db, ctx.Arg(i), value);
            ctx.Reply.WriteSimpleString(Convert.ToHexString(digest).ToLowerInvariant());
        }
    }

    /// <summary>xorObjectDigest: the type, the value, and a mark when the key has a TTL.</summary>
    private static void XorValue(byte[] digest, Database db, ReadOnlySpan<byte> key, object value)
    {
        Span<byte> type = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(type, value is byte[] ? 0u : RdbValueCodec.TypeOf(value));
        Mix(digest, type);
        Mix(digest, value is byte[] bytes ? bytes : DumpPayload.Create(value));
        if (db.GetExpire(key) != -1) Xor(digest, SHA1.HashData("!!expire!!"u8));
    }

    /// <summary>mixDigest: xor in the SHA1 of the data, then replace the digest by its own SHA1.</summary>
    private static void Mix(byte[] digest, ReadOnlySpan<byte> data)
    {
        Xor(digest, SHA1.HashData(data));
        SHA1.HashData(digest, digest);
    }

    private static void Xor(byte[] digest, ReadOnlySpan<byte> other)
    {
        for (int i = 0; i < 20; i++) digest[i] ^= other[i];
    }

    private static void Protocol(CommandContext ctx)
    {
        var reply = ctx.Reply;
        bool resp3 = reply.Version == RespVersion.Resp3;
        switch (ctx.ArgLatin1(2).ToLowerInvariant())
        {
            case "string":
                reply.WriteBulkString("Hello World"u8);
                break;
            case "integer":
                reply.WriteInteger(12345);
                break;
            case "double":
                reply.WriteDouble(3.141);
                break;
            case "bignum":
                if (resp3) reply.WriteRaw("(1234567999999999999999999999999999999\r\n"u8);
                else reply.WriteBulkString("1234567999999999999999999999999999999"u8);
                break;
            case "null":
                reply.WriteNull();
                break;
            case "array":
                reply.WriteArrayHeader(3);
                for (int i = 0; i < 3; i++) reply.WriteInteger(i);
                break;
            case "set":
                reply.WriteSetHeader(3);
                for (int i = 0; i < 3; i++) reply.WriteInteger(i);
                break;
            case "map":
                reply.WriteMapHeader(3);
                for (int i = 0; i < 3; i++)
                {
                    reply.WriteInteger(i);
                    reply.WriteBoolean(i == 1);
                }
                break;
            case "attrib":
                // An attribute exists only in RESP3; RESP2 gets the reply it annotates.
                if (resp3)
                {
                    reply.WriteRaw("|1\r\n"u8);
                    reply.WriteBulkString("key-popularity"u8);
                    reply.WriteArrayHeader(2);
                    reply.WriteBulkString("key:123"u8);
                    reply.WriteInteger(90);
                }
                reply.WriteBulkString("Some real reply following the attribute"u8);
                break;
            case "push":
                if (!resp3)
                {
                    ctx.Error("ERR RESP2 is not supported by this command");
                    return;
                }
                reply.WritePushHeader(2);
                reply.WriteBulkString("server-cpu-usage"u8);
                reply.WriteInteger(42);
                reply.WriteBulkString("Some real reply following the push reply"u8);
                break;
            case "verbatim":
                reply.WriteVerbatim("This is a verbatim\nstring");
                break;
            case "true":
                reply.WriteBoolean(true);
                break;
            case "false":
                reply.WriteBoolean(false);
                break;
            default:
                ctx.Error("ERR Wrong protocol type name. Please use one of the following: " + ProtocolTypes);
                break;
        }
    }

    /// <summary>
    /// DEBUG POPULATE count [prefix] [size]: string keys prefix:N holding "value:N" (cut or padded with
    /// zero bytes to size), skipping keys that exist. Not propagated.
    /// </summary>
    private static void Populate(CommandContext ctx)
    {
        const string NotPositive = "ERR value is out of range, must be positive";
        if (ctx.ArgCount > 5)
        {
            Help.SubcommandSyntaxError(ctx);
            return;
        }
        if (!RedisNumbers.TryParseInt64(ctx.Arg(2), out long count) || count < 0)
        {
            ctx.Error(NotPositive);
            return;
        }
        string prefix = ctx.ArgCount > 3 ? ctx.ArgLatin1(3) : "key";
        long size = -1;
        if (ctx.ArgCount > 4 && (!RedisNumbers.TryParseInt64(ctx.Arg(4), out size) || size < 0))
        {
            ctx.Error(NotPositive);
            return;
        }
        var db = ctx.Db;
        for (long j = 0; j < count; j++)
        {
            var key = Encoding.Latin1.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{prefix}:{j}"));
            if (db.Get(key) != null) continue;
            var text = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"value:{j}"));
            byte[] value = text;
            if (size >= 0)
            {
                value = new byte[size];
                text.AsSpan(0, (int)Math.Min(size, text.Length)).CopyTo(value);
            }
            db.Set(key, value);
        }
        ctx.Reply.WriteOk();
    }
}
