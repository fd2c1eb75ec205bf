using Vigil.Protocol;
using Vigil.Server.Storage;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>OBJECT ENCODING | REFCOUNT | IDLETIME | FREQ | HELP (object.c).</summary>
internal static class ObjectCommand
{
    /// <summary>OBJ_SHARED_REFCOUNT: what REFCOUNT reports for Redis's shared small integers.</summary>
    private const long SharedRefCount = int.MaxValue;

    /// <summary>OBJ_SHARED_INTEGERS: integers below this are shared objects in Redis.</summary>
    private const long SharedIntegers = 10000;

    private const string LfuSelected = "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
    private const string LfuNotSelected = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

    private static readonly string[] HelpLines =
    [
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    ];

    public static void Register(VigilServer server)
    {
        var obj = server.Commands.AddContainer("object", -2, None, "generic");
        obj.AddSubcommand("encoding", 3, ReadOnly, Encoding, 2, 2, 1);
        obj.AddSubcommand("refcount", 3, ReadOnly, RefCount, 2, 2, 1);
        obj.AddSubcommand("idletime", 3, ReadOnly, IdleTime, 2, 2, 1);
        obj.AddSubcommand("freq", 3, ReadOnly, Freq, 2, 2, 1);
        obj.AddSubcommand("help", 2, Loading | Stale, Help);
    }

    private static object? Lookup(CommandContext ctx)
    {
        var value = KeyLookup.ReadSilently(ctx, ctx.Arg(2));
        if (value == null) ctx.Reply.WriteNull();
        return value;
    }

    private static void Encoding(CommandContext ctx)
    {
        switch (Lookup(ctx))
        {
            case null:
                return;
            case byte[] bytes:
                ctx.Reply.WriteBulkString(StringEncodingMarks.EncodingOf(bytes));
                return;
            case IRedisValue value:
                ctx.Reply.WriteBulkString(value.Encoding);
                return;
        }
    }

    private static void RefCount(CommandContext ctx)
    {
        var value = Lookup(ctx);
        if (value == null) return;
        ctx.Reply.WriteInteger(IsSharedInteger(ctx, value) ? SharedRefCount : 1);
    }

    /// <summary>Small non-negative integers are shared objects in Redis unless an LRU/LFU policy with maxmemory needs per-key access data.</summary>
    private static bool IsSharedInteger(CommandContext ctx, object value)
    {
        if (value is not byte[] bytes || bytes.Length > 20 || !RedisNumbers.TryParseInt64(bytes, out long n) || n < 0 || n >= SharedIntegers ||
            !StringEncodingMarks.IsPlainInteger(bytes)) return false;
        var config = ctx.Server.Config;
        bool maxMemorySet = config.MaxMemory != 0;
        string policy = config.MaxMemoryPolicy;
        return !maxMemorySet || !(policy.Contains("lru", StringComparison.Ordinal) || policy.Contains("lfu", StringComparison.Ordinal));
    }

    private static void IdleTime(CommandContext ctx)
    {
        if (Lookup(ctx) == null) return;
        var keyspace = ctx.Server.Keyspace;
        if (keyspace.LfuEnabled)
        {
            ctx.Error(LfuSelected);
            return;
        }
        ctx.Reply.WriteInteger(KeyAccess.IdleMilliseconds(ctx.Db.AccessStampOf(ctx.Arg(2)), keyspace) / 1000);
    }

    private static void Freq(CommandContext ctx)
    {
        if (Lookup(ctx) == null) return;
        var keyspace = ctx.Server.Keyspace;
        if (!keyspace.LfuEnabled)
        {
            ctx.Error(LfuNotSelected);
            return;
        }
        ctx.Reply.WriteInteger(KeyAccess.DecayedCounter(ctx.Db.AccessStampOf(ctx.Arg(2)), keyspace));
    }

    private static void Help(CommandContext ctx)
    {
        ctx.Reply.WriteArrayHeader(HelpLines.Length);
        foreach (var line in HelpLines) ctx.Reply.WriteSimpleString(line);
    }
}
