namespace Vigil.Server.Commands;

public delegate void CommandHandler(CommandContext ctx);

/// <summary>One entry of the command table: what COMMAND INFO reports, and the handler.</summary>
public sealed class RedisCommand
{
    public RedisCommand(string name, int arity, CommandFlags flags, int firstKey, int lastKey, int keyStep,
        CommandHandler handler, string group, RedisCommand? parent = null)
    {
        Name = name.ToLowerInvariant();
        Arity = arity;
        Flags = flags;
        FirstKey = firstKey;
        LastKey = lastKey;
        KeyStep = keyStep;
        Handler = handler;
        Group = group;
        Parent = parent;
        FullName = parent == null ? Name : parent.Name + "|" + Name;
    }

    /// <summary>Lower-case name ("get"; "setname" for CLIENT SETNAME).</summary>
    public string Name { get; }

    /// <summary>"get", or "client|setname" for a subcommand, as Redis 7.0 names them in errors.</summary>
    public string FullName { get; }

    /// <summary>N: exactly N arguments including the name; -N: at least N.</summary>
    public int Arity { get; }

    public CommandFlags Flags { get; }

    public int FirstKey { get; }

    public int LastKey { get; }

    public int KeyStep { get; }

    public CommandHandler Handler { get; }

    /// <summary>The COMMAND DOCS group ("string", "generic", "connection", "server", ...).</summary>
    public string Group { get; }

    public RedisCommand? Parent { get; }

    /// <summary>Subcommands by lower-case name, for container commands (CLIENT, CONFIG, ...).</summary>
    public Dictionary<string, RedisCommand>? Subcommands { get; private set; }

    public Dictionary<string, RedisCommand>.AlternateLookup<ReadOnlySpan<char>> SubcommandLookup { get; private set; }

    /// <summary>Set by <see cref="CommandTable.AddDispatcher"/>: the command resolves its subcommands itself (DEBUG).</summary>
    public bool DispatchesItself { get; internal set; }

    public long Calls { get; set; }

    public long Microseconds { get; set; }

    public long RejectedCalls { get; set; }

    public long FailedCalls { get; set; }

    /// <summary>This command's latencies (INFO latencystats), made on its first call while latency-tracking is on.</summary>
    public LatencyHistogram? Latency { get; set; }

    public bool Has(CommandFlags flag) => (Flags & flag) != 0;

    public bool AcceptsArgCount(int argc) => Arity >= 0 ? argc == Arity : argc >= -Arity;

    public RedisCommand AddSubcommand(string name, int arity, CommandFlags flags, CommandHandler handler,
        int firstKey = 0, int lastKey = 0, int keyStep = 0)
    {
        if (Subcommands == null)
        {
            Subcommands = new Dictionary<string, RedisCommand>(StringComparer.OrdinalIgnoreCase);
            SubcommandLookup = Subcommands.GetAlternateLookup<ReadOnlySpan<char>>();
        }
        var sub = new RedisCommand(name, arity, flags, firstKey, lastKey, keyStep, handler, Group, this);
        Subcommands[sub.Name] = sub;
        return sub;
    }

    public void ResetStats()
    {
        Calls = Microseconds = RejectedCalls = FailedCalls = 0;
        Latency = null;
        if (Subcommands == null) return;
        foreach (var sub in Subcommands.Values) sub.ResetStats();
    }
}
