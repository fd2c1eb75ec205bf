namespace Vigil.Server.Commands;

/// <summary>
/// Every command by name. Each command family registers its own commands; lookups from the
/// request bytes are case-insensitive and allocate nothing.
/// </summary>
public sealed class CommandTable
{
    private readonly Dictionary<string, RedisCommand> _commands = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, RedisCommand>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public CommandTable()
    {
        _lookup = _commands.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _commands.Count;

    public IEnumerable<RedisCommand> All => _commands.Values;

    public RedisCommand Add(string name, int arity, CommandFlags flags, int firstKey, int lastKey, int keyStep,
        CommandHandler handler, string group)
    {
        var command = new RedisCommand(name, arity, flags, firstKey, lastKey, keyStep, handler, group);
        _commands[command.Name] = command;
        return command;
    }

    /// <summary>A command that only dispatches to subcommands (CLIENT, CONFIG, OBJECT, ...).</summary>
    public RedisCommand AddContainer(string name, int arity, CommandFlags flags, string group) =>
        Add(name, arity, flags, 0, 0, 0, static _ => { }, group);

    /// <summary>rename-command: the command answers to <paramref name="newName"/> only ("" removes it). False when it cannot.</summary>
    public bool Rename(string name, string newName)
    {
        if (!_commands.Remove(name, out var command)) return false;
        if (newName.Length == 0) return true;
        if (_commands.TryAdd(newName, command)) return true;
        _commands[name] = command;
        return false;
    }

    /// <summary>
    /// A command whose first argument picks a subcommand, dispatched by the command itself after the
    /// admission checks, as Redis's DEBUG: an unknown or ill-sized subcommand answers "unknown
    /// subcommand or wrong number of arguments", and statistics count the command, not the subcommand.
    /// </summary>
    public RedisCommand AddDispatcher(string name, int arity, CommandFlags flags, string group)
    {
        RedisCommand? command = null;
        command = Add(name, arity, flags, 0, 0, 0, ctx => Dispatch(ctx, command!), group);
        command.DispatchesItself = true;
        return command;
    }

    private static void Dispatch(CommandContext ctx, RedisCommand command)
    {
        var sub = Find(ctx.Arg(1), command.SubcommandLookup);
        if (sub == null || !sub.AcceptsArgCount(ctx.ArgCount))
        {
            Help.SubcommandSyntaxError(ctx);
            return;
        }
        sub.Handler(ctx);
    }

    public RedisCommand? Find(ReadOnlySpan<byte> name) => Find(name, _lookup);

    public RedisCommand? Find(string name) => _commands.GetValueOrDefault(name);

    internal static RedisCommand? Find(ReadOnlySpan<byte> name, Dictionary<string, RedisCommand>.AlternateLookup<ReadOnlySpan<char>> lookup)
    {
        if (lookup.Dictionary == null) return null;
        if (name.Length == 0 || name.Length > 64) return null;
        Span<char> chars = stackalloc char[name.Length];
        for (int i = 0; i < name.Length; i++) chars[i] = (char)name[i];
        return lookup.TryGetValue(chars, out var command) ? command : null;
    }
}
