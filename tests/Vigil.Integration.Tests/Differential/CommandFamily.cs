namespace Vigil.Integration.Tests.Differential;

/// <summary>
/// Generates commands of one family (strings, keys, hashes, ...). A subclass lists its commands in
/// its constructor with <see cref="Add"/>: a name, a weight, and a builder that makes one random
/// instance. Commands the Vigil under test does not know yet are left out automatically.
/// A family whose unit of work is several commands (a transaction) overrides <see cref="Generate"/>.
/// </summary>
public abstract class CommandFamily
{
    private readonly List<Entry> _entries = new();

    /// <summary>How often this family is picked relative to the others.</summary>
    public virtual int Weight => 1;

    /// <summary>Every command name the family may send (probed against Vigil before a run).</summary>
    public virtual IEnumerable<string> CommandNames => _entries.Where(e => e.Name != AnyServer).Select(e => e.Name);

    /// <summary>Whether the family can generate anything against a server that supports these commands.</summary>
    public virtual bool IsAvailable(Func<string, bool> supports) => _entries.Any(e => Usable(e, supports));

    /// <summary>The name to <see cref="Add"/> a builder under when it needs no particular command (unknown commands).</summary>
    protected const string AnyServer = "";

    /// <summary>Appends one unit of work to <paramref name="output"/>: by default one command.</summary>
    public virtual void Generate(GenerationContext ctx, List<DiffCommand> output)
    {
        var command = Single(ctx);
        if (command != null) output.Add(command);
    }

    /// <summary>One command of this family, or null when it has none that the server supports.</summary>
    public DiffCommand? Single(GenerationContext ctx)
    {
        int total = 0;
        foreach (var e in _entries)
        {
            if (Usable(e, ctx.Supports)) total += e.Weight;
        }
        if (total == 0) return null;
        int pick = ctx.Random.Next(total);
        foreach (var e in _entries)
        {
            if (!Usable(e, ctx.Supports)) continue;
            pick -= e.Weight;
            if (pick < 0) return Mutate(ctx.Random, e.Build(ctx.Random));
        }
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Registers a builder of <paramref name="name"/> commands (lower case, as probed), picked with <paramref name="weight"/>.</summary>
    protected void Add(string name, int weight, Func<CommandRandom, DiffCommand> build) => _entries.Add(new Entry(name, weight, build));

    private static bool Usable(Entry e, Func<string, bool> supports) => e.Name == AnyServer || supports(e.Name);

    /// <summary>A command compared byte for byte. Parts are strings (Latin-1) or byte arrays.</summary>
    protected static DiffCommand Cmd(params object[] parts) => new(Flatten(parts), ReplyMatch.Exact);

    /// <summary>A command whose options are appended in random order and number (conflicting ones included).</summary>
    protected static DiffCommand WithOptions(CommandRandom r, object[] fixedParts, int maxOptions, params Func<CommandRandom, object[]>[] options)
    {
        var parts = new List<object>(fixedParts);
        int count = r.Between(0, maxOptions);
        for (int i = 0; i < count; i++) parts.AddRange(r.Pick(options)(r));
        return Cmd(parts.ToArray());
    }

    private static byte[][] Flatten(object[] parts)
    {
        var args = new List<byte[]>();
        foreach (var p in parts)
        {
            switch (p)
            {
                case string s: args.Add(CommandRandom.Bytes(s)); break;
                case byte[] b: args.Add(b); break;
                case byte[][] many: args.AddRange(many); break;
                case long or int: args.Add(CommandRandom.Bytes(Convert.ToInt64(p))); break;
                default: throw new ArgumentException("unsupported part " + p);
            }
        }
        return args.ToArray();
    }

    /// <summary>Now and then: the name in mixed case, or arguments cut short (arity and syntax errors).</summary>
    private static DiffCommand Mutate(CommandRandom r, DiffCommand command)
    {
        int roll = r.Next(100);
        if (roll < 5)
        {
            var args = (byte[][])command.Args.Clone();
            args[0] = args[0].Select(b => r.Chance(0.5) ? (byte)char.ToUpperInvariant((char)b) : b).ToArray();
            return new DiffCommand(args, command.Match, command.OutsideMultiOnly);
        }
        // Only exact comparisons: a SCAN cut before its COUNT would page differently on the two servers.
        if (roll < 8 && command.Args.Length > 1 && command.Match.Kind == MatchKind.Exact)
        {
            return new DiffCommand(command.Args[..r.Between(1, command.Args.Length - 1)], ReplyMatch.Exact);
        }
        return command;
    }

    private sealed record Entry(string Name, int Weight, Func<CommandRandom, DiffCommand> Build);
}
