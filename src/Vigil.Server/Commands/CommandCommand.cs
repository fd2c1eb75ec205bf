using System.Text;
using Vigil.Protocol;
using Vigil.Server.Storage;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>
/// COMMAND [COUNT | INFO | DOCS | GETKEYS | GETKEYSANDFLAGS | LIST | HELP]: the command table as
/// Redis 7.0 describes it. Key positions and key specs come from each command's first/last/step.
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

    /// <summary>name, arity, flags, first key, last key, step, ACL categories, tips, key specs, subcommands.</summary>
    private static void WriteInfo(RespWriter reply, RedisCommand command)
    {
        reply.WriteArrayHeader(10);
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
        if (command.FirstKey > 0)
        {
            reply.WriteArrayHeader(1);
            WriteKeySpec(reply, command);
        }
        else
        {
            reply.WriteArrayHeader(0);
        }
        var subcommands = SortedSubcommands(command);
        reply.WriteArrayHeader(subcommands.Count);
        foreach (var sub in subcommands) WriteInfo(reply, sub);
    }

    private static List<RedisCommand> SortedSubcommands(RedisCommand command)
    {
        var subs = command.Subcommands == null ? new List<RedisCommand>() : new List<RedisCommand>(command.Subcommands.Values);
        subs.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return subs;
    }

    /// <summary>The key spec first/last/step describe: an index, then a range.</summary>
    private static void WriteKeySpec(RespWriter reply, RedisCommand command)
    {
        var flags = KeyFlags(command);
        reply.WriteMapHeader(3);
        reply.WriteBulkString("flags"u8);
        reply.WriteSetHeader(flags.Length);
        foreach (var flag in flags) reply.WriteSimpleString(flag);
        reply.WriteBulkString("begin_search"u8);
        reply.WriteMapHeader(2);
        reply.WriteBulkString("type"u8);
        reply.WriteBulkString("index"u8);
        reply.WriteBulkString("spec"u8);
        reply.WriteMapHeader(1);
        reply.WriteBulkString("index"u8);
        reply.WriteInteger(command.FirstKey);
        reply.WriteBulkString("find_keys"u8);
        reply.WriteMapHeader(2);
        reply.WriteBulkString("type"u8);
        reply.WriteBulkString("range"u8);
        reply.WriteBulkString("spec"u8);
        reply.WriteMapHeader(3);
        reply.WriteBulkString("lastkey"u8);
        reply.WriteInteger(command.LastKey < 0 ? command.LastKey : command.LastKey - command.FirstKey);
        reply.WriteBulkString("keystep"u8);
        reply.WriteInteger(command.KeyStep);
        reply.WriteBulkString("limit"u8);
        reply.WriteInteger(0);
    }

    /// <summary>Key spec flags: reads access the key, writes update it.</summary>
    private static string[] KeyFlags(RedisCommand command) =>
        command.Has(Write) ? ["RW", "update"] : ["RO", "access"];

    /// <summary>COMMAND DOCS [name ...]: group (and summary and since where a command has them), subcommands nested.</summary>
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

    private static void WriteDocs(RespWriter reply, RedisCommand command)
    {
        var subcommands = SortedSubcommands(command);
        int fields = 1 + (command.Summary != null ? 1 : 0) + (command.Since != null ? 1 : 0) + (subcommands.Count > 0 ? 1 : 0);
        reply.WriteMapHeader(fields);
        if (command.Summary != null)
        {
            reply.WriteBulkString("summary"u8);
            reply.WriteBulkString(command.Summary);
        }
        if (command.Since != null)
        {
            reply.WriteBulkString("since"u8);
            reply.WriteBulkString(command.Since);
        }
        reply.WriteBulkString("group"u8);
        reply.WriteBulkString(command.Group);
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

    /// <summary>COMMAND GETKEYS|GETKEYSANDFLAGS command arg ...: the keys first/last/step pick from the arguments.</summary>
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
        if (!command.AcceptsArgCount(argc))
        {
            ctx.Error("ERR Invalid number of arguments specified for command");
            return;
        }
        var positions = new List<int>();
        if (command.FirstKey > 0)
        {
            int last = command.LastKey < 0 ? argc + command.LastKey : Math.Min(command.LastKey, argc - 1);
            for (int i = command.FirstKey; i <= last; i += Math.Max(1, command.KeyStep)) positions.Add(i);
        }
        if (positions.Count == 0)
        {
            ctx.Error("ERR The command has no key arguments");
            return;
        }
        var flags = KeyFlags(command);
        ctx.Reply.WriteArrayHeader(positions.Count);
        foreach (int position in positions)
        {
            if (!withFlags)
            {
                ctx.Reply.WriteBulkString(ctx.Arg(2 + position));
                continue;
            }
            ctx.Reply.WriteArrayHeader(2);
            ctx.Reply.WriteBulkString(ctx.Arg(2 + position));
            ctx.Reply.WriteSetHeader(flags.Length);
            foreach (var flag in flags) ctx.Reply.WriteSimpleString(flag);
        }
    }
}
