using System.Text;
using Vigil.Protocol;
using Vigil.Server.Storage;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>
/// COMMAND [COUNT | INFO | DOCS | GETKEYS | GETKEYSANDFLAGS | LIST | HELP]: the command table as
/// Redis 7.0 describes it: from Redis's own metadata (<see cref="CommandMetadata"/>), limited to what Vigil has.
/// </summary>
internal static class CommandCommand
{
    private static readonly string[] HelpLines =
    [
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full Redis command.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys and the access flags from a full Redis command.",
    ];

    public static void Register(VigilServer server)
    {
        const CommandFlags flags = Loading | Stale;
        // COMMAND alone lists everything; with a first argument it is a container.
        var command = server.Commands.Add("command", -1, flags, 0, 0, 0, ctx => InfoAll(ctx), "server");
        command.AddSubcommand("help", 2, flags, ctx => Help.Write(ctx, HelpLines));
        command.AddSubcommand("count", 2, flags, ctx => ctx.Reply.WriteInteger(ctx.Server.Commands.Count));
        command.AddSubcommand("info", -2, flags, Info);
        command.AddSubcommand("docs", -2, flags, Docs);
        command.AddSubcommand("list", -2, flags, List);
        command.AddSubcommand("getkeys", -4, flags, ctx => GetKeys(ctx, withFlags: false));
        command.AddSubcommand("getkeysandflags", -4, flags, ctx => GetKeys(ctx, withFlags: true));
    }

    private static List<RedisCommand> Sorted(VigilServer server)
    {
        var all = new List<RedisCommand>(server.Commands.All);
        all.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return all;
    }

    private static void InfoAll(CommandContext ctx)
    {
        var all = Sorted(ctx.Server);
        ctx.Reply.WriteArrayHeader(all.Count);
        foreach (var command in all) WriteInfo(ctx.Reply, command);
    }

    /// <summary>COMMAND INFO [name ...]: each command's entry, nil for unknown names; all of them without names.</summary>
    private static void Info(CommandContext ctx)
    {
        if (ctx.ArgCount == 2)
        {
            InfoAll(ctx);
            return;
        }
        ctx.Reply.WriteArrayHeader(ctx.ArgCount - 2);
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            var command = Lookup(ctx.Server, ctx.ArgLatin1(i));
            if (command == null) ctx.Reply.WriteNullArray();
            else WriteInfo(ctx.Reply, command);
        }
    }

    /// <summary>A command by name, or a subcommand as "container|sub".</summary>
    private static RedisCommand? Lookup(VigilServer server, string name)
    {
        int bar = name.IndexOf('|');
        if (bar < 0) return server.Commands.Find(name);
        return server.Commands.Find(name[..bar])?.Subcommands?.GetValueOrDefault(name[(bar + 1)..]);
    }

    /// <summary>
    /// name, arity, flags, first key, last key, step, ACL categories, tips, key specs: Redis's own entry
    /// where it has the command (else made from the table); then the subcommands Vigil has.
    /// </summary>
    private static void WriteInfo(RespWriter reply, RedisCommand command)
    {
        reply.WriteArrayHeader(10);
        if (CommandMetadata.Info(command.FullName) is { } redis)
        {
            for (int i = 0; i < 9; i++) reply.WriteValue(redis.Items![i]);
        }
        else
        {
            reply.WriteBulkString(command.FullName);
            reply.WriteInteger(command.Arity);
            var flags = CommandCategories.FlagNamesOf(command);
            reply.WriteSetHeader(flags.Count);
            foreach (var flag in flags) reply.WriteSimpleString(flag);
            reply.WriteInteger(command.FirstKey);
            reply.WriteInteger(command.LastKey);
            reply.WriteInteger(command.KeyStep);
            var categories = CommandCategories.Of(command);
            reply.WriteSetHeader(categories.Count);
            foreach (var category in categories) reply.WriteSimpleString("@" + category);
            reply.WriteSetHeader(0);
            var specs = KeySpecs(command);
            WriteListHeader(reply, specs.Length);
            foreach (var spec in specs) reply.WriteValue(spec);
        }
        var subcommands = SortedSubcommands(command);
        WriteListHeader(reply, subcommands.Count);
        foreach (var sub in subcommands) WriteInfo(reply, sub);
    }

    /// <summary>As Redis writes key specs and subcommands: an empty one is an empty set in RESP3, else an array.</summary>
    private static void WriteListHeader(RespWriter reply, int count)
    {
        if (count == 0) reply.WriteSetHeader(0);
        else reply.WriteArrayHeader(count);
    }

    private static List<RedisCommand> SortedSubcommands(RedisCommand command)
    {
        var subs = command.Subcommands == null ? new List<RedisCommand>() : new List<RedisCommand>(command.Subcommands.Values);
        subs.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return subs;
    }

    /// <summary>The command's key specs: Redis's, or for a command Redis does not have, one made from first/last/step.</summary>
    private static RespValue[] KeySpecs(RedisCommand command)
    {
        if (CommandMetadata.Info(command.FullName) is { } redis) return redis.Items![8].Items!;
        if (command.FirstKey <= 0) return [];
        return
        [
            Map(Bulk("flags"), command.Has(Write) ? RwUpdate : RoAccess,
                Bulk("begin_search"), Map(Bulk("type"), Bulk("index"), Bulk("spec"), Map(Bulk("index"), Integer(command.FirstKey))),
                Bulk("find_keys"), Map(Bulk("type"), Bulk("range"), Bulk("spec"), Map(
                    Bulk("lastkey"), Integer(command.LastKey < 0 ? command.LastKey : command.LastKey - command.FirstKey),
                    Bulk("keystep"), Integer(command.KeyStep), Bulk("limit"), Integer(0)))),
        ];
    }

    private static readonly RespValue RwUpdate = Flags("RW", "update");
    private static readonly RespValue RoAccess = Flags("RO", "access");
    private static readonly RespValue RwAccessUpdate = Flags("RW", "access", "update");
    private static readonly RespValue OwUpdate = Flags("OW", "update");

    private static RespValue Flags(params string[] names) =>
        new(RespType.Set, items: Array.ConvertAll(names, n => new RespValue(RespType.SimpleString, Encoding.ASCII.GetBytes(n))));

    private static RespValue Bulk(string text) => new(RespType.BulkString, Encoding.ASCII.GetBytes(text));

    private static RespValue Integer(long value) => new(RespType.Integer, integer: value);

    private static RespValue Map(params RespValue[] items) => new(RespType.Map, items: items);

    /// <summary>COMMAND DOCS [name ...]: Redis's documentation of each command (the group alone for Vigil's own), subcommands nested.</summary>
    private static void Docs(CommandContext ctx)
    {
        var commands = new List<RedisCommand>();
        if (ctx.ArgCount == 2) commands = Sorted(ctx.Server);
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            if (Lookup(ctx.Server, ctx.ArgLatin1(i)) is { } command) commands.Add(command);
        }
        ctx.Reply.WriteMapHeader(commands.Count);
        foreach (var command in commands)
        {
            ctx.Reply.WriteBulkString(command.FullName);
            WriteDocs(ctx.Reply, command);
        }
    }

    /// <summary>Redis's fields in its order, with "subcommands" listing the subcommands Vigil has.</summary>
    private static void WriteDocs(RespWriter reply, RedisCommand command)
    {
        var subcommands = SortedSubcommands(command);
        var redis = CommandMetadata.Docs(command.FullName)?.Items ?? [Bulk("group"), Bulk(command.Group)];
        bool listsSubcommands = CommandMetadata.Field(new RespValue(RespType.Map, items: redis), "subcommands") != null;
        reply.WriteMapHeader(redis.Length / 2 - (listsSubcommands ? 1 : 0) + (subcommands.Count > 0 ? 1 : 0));
        for (int i = 0; i + 1 < redis.Length; i += 2)
        {
            if (redis[i].Text == "subcommands") WriteSubcommandDocs(reply, subcommands);
            else
            {
                reply.WriteValue(redis[i]);
                reply.WriteValue(redis[i + 1]);
            }
        }
        if (!listsSubcommands) WriteSubcommandDocs(reply, subcommands);
    }

    private static void WriteSubcommandDocs(RespWriter reply, List<RedisCommand> subcommands)
    {
        if (subcommands.Count == 0) return;
        reply.WriteBulkString("subcommands"u8);
        reply.WriteMapHeader(subcommands.Count);
        foreach (var sub in subcommands)
        {
            reply.WriteBulkString(sub.FullName);
            WriteDocs(reply, sub);
        }
    }

    /// <summary>COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]: names, subcommands as "container|sub".</summary>
    private static void List(CommandContext ctx)
    {
        Func<RedisCommand, bool> keep = _ => true;
        if (ctx.ArgCount == 5 && ctx.ArgIs(2, "filterby"u8))
        {
            string value = ctx.ArgLatin1(4);
            if (ctx.ArgIs(3, "module"u8))
            {
                keep = _ => false;
            }
            else if (ctx.ArgIs(3, "aclcat"u8))
            {
                keep = c => CommandCategories.Of(c).Contains(value.ToLowerInvariant());
            }
            else if (ctx.ArgIs(3, "pattern"u8))
            {
                var pattern = ctx.ArgBytes(4);
                keep = c => GlobPattern.IsMatch(pattern, Encoding.Latin1.GetBytes(c.FullName), ignoreCase: true);
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        else if (ctx.ArgCount != 2)
        {
            ctx.SyntaxError();
            return;
        }
        var names = new List<string>();
        foreach (var command in Sorted(ctx.Server))
        {
            if (keep(command)) names.Add(command.FullName);
            foreach (var sub in SortedSubcommands(command))
            {
                if (keep(sub)) names.Add(sub.FullName);
            }
        }
        ctx.Reply.WriteArrayHeader(names.Count);
        foreach (var name in names) ctx.Reply.WriteBulkString(name);
    }

    /// <summary>COMMAND GETKEYS|GETKEYSANDFLAGS command arg ...: the keys the command's key specs find, in Redis's order and with their flags.</summary>
    private static void GetKeys(CommandContext ctx, bool withFlags)
    {
        var command = ctx.Server.Commands.Find(ctx.Arg(2));
        int argc = ctx.ArgCount - 2;
        if (command?.Subcommands != null && argc >= 2)
        {
            command = CommandTable.Find(ctx.Arg(3), command.SubcommandLookup) is { } sub && !command.DispatchesItself ? sub : command;
        }
        if (command == null)
        {
            ctx.Error("ERR Invalid command specified");
            return;
        }
        var specs = KeySpecs(command);
        if (Array.TrueForAll(specs, spec => HasFlag(CommandMetadata.Field(spec, "flags")!, "not_key")))
        {
            ctx.Error("ERR The command has no key arguments");
            return;
        }
        if (!command.AcceptsArgCount(argc))
        {
            ctx.Error("ERR Invalid number of arguments specified for command");
            return;
        }
        var keys = new List<(int Position, RespValue Flags)>();
        if (!FindKeys(ctx, specs, argc, keys) || keys.Count == 0)
        {
            ctx.Error("ERR Invalid arguments specified for command");
            return;
        }
        ctx.Reply.WriteArrayHeader(keys.Count);
        foreach (var (position, flags) in keys)
        {
            if (!withFlags)
            {
                ctx.Reply.WriteBulkString(ctx.Arg(2 + position));
                continue;
            }
            ctx.Reply.WriteArrayHeader(2);
            ctx.Reply.WriteBulkString(ctx.Arg(2 + position));
            ctx.Reply.WriteValue(HasFlag(flags, "variable_flags") ? FlagsFromArguments(ctx, command, argc) : flags);
        }
    }

    /// <summary>
    /// getKeysUsingKeySpecs: each spec finds where its keys begin (an index, or after a keyword) and
    /// how many there are (a range, or a count argument). False when the arguments do not fit a spec.
    /// </summary>
    private static bool FindKeys(CommandContext ctx, RespValue[] specs, int argc, List<(int, RespValue)> keys)
    {
        foreach (var spec in specs)
        {
            var flags = CommandMetadata.Field(spec, "flags")!;
            if (HasFlag(flags, "not_key")) continue;
            var begin = CommandMetadata.Field(spec, "begin_search")!;
            var beginSpec = CommandMetadata.Field(begin, "spec")!;
            int first = 0;
            switch (CommandMetadata.Field(begin, "type")!.Text)
            {
                case "index":
                    first = IntField(beginSpec, "index");
                    break;
                case "keyword":
                    var keyword = CommandMetadata.Field(beginSpec, "keyword")!.Bytes!;
                    int startFrom = IntField(beginSpec, "startfrom");
                    int start = startFrom > 0 ? startFrom : argc + startFrom, end = startFrom > 0 ? argc - 1 : 0;
                    // As Redis: the search stops short of the end index.
                    for (int i = start; i != end && i >= 0 && i < argc; i += start <= end ? 1 : -1)
                    {
                        if (RedisNumbers.EqualsIgnoreCase(ctx.Arg(2 + i), LowerCase(keyword)))
                        {
                            first = i + 1;
                            break;
                        }
                    }
                    if (first == 0) continue;
                    break;
                default:
                    return false;
            }
            var find = CommandMetadata.Field(spec, "find_keys")!;
            var findSpec = CommandMetadata.Field(find, "spec")!;
            int last, step = IntField(findSpec, "keystep");
            switch (CommandMetadata.Field(find, "type")!.Text)
            {
                case "range":
                    int lastKey = IntField(findSpec, "lastkey"), limit = IntField(findSpec, "limit");
                    last = lastKey >= 0 ? first + lastKey : limit == 0 ? argc + lastKey : first + ((argc - first) / limit + lastKey);
                    break;
                case "keynum":
                    int countAt = first + IntField(findSpec, "keynumidx");
                    if (countAt >= argc || !RedisNumbers.TryParseInt64(ctx.Arg(2 + countAt), out long count) || count < 0 || count > argc) return false;
                    first += IntField(findSpec, "firstkey");
                    last = first + (int)count - 1;
                    break;
                default:
                    return false;
            }
            if (last >= argc || last < first || first >= argc) return false;
            for (int i = first; i <= last; i += step) keys.Add((i, flags));
        }
        return true;
    }

    /// <summary>The key flags of the commands whose key spec says "variable_flags" (setGetKeys, bitfieldGetKeys).</summary>
    private static RespValue FlagsFromArguments(CommandContext ctx, RedisCommand command, int argc)
    {
        if (command.Name == "set")
        {
            for (int i = 3; i < argc; i++)
            {
                if (RedisNumbers.EqualsIgnoreCase(ctx.Arg(2 + i), "get"u8)) return RwAccessUpdate;
            }
            return OwUpdate;
        }
        // BITFIELD: read-only while every operation is a complete GET (or OVERFLOW); anything else may write.
        for (int i = 2; i < argc; i++)
        {
            var op = ctx.Arg(2 + i);
            int remaining = argc - i - 1;
            if (RedisNumbers.EqualsIgnoreCase(op, "get"u8) && remaining >= 2) i += 2;
            else if (RedisNumbers.EqualsIgnoreCase(op, "overflow"u8) && remaining >= 1) i += 1;
            else return RwAccessUpdate;
        }
        return RoAccess;
    }

    private static bool HasFlag(RespValue flags, string name)
    {
        foreach (var flag in flags.Items!)
        {
            if (flag.Text == name) return true;
        }
        return false;
    }

    private static int IntField(RespValue map, string key) => (int)CommandMetadata.Field(map, key)!.Integer;

    private static byte[] LowerCase(byte[] text) => Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(text).ToLowerInvariant());
}
