namespace Vigil.Integration.Tests.Differential;

/// <summary>What a family sees while generating: the random source and the families usable against this server.</summary>
public sealed class GenerationContext
{
    private readonly IReadOnlyList<CommandFamily> _families;

    public GenerationContext(CommandRandom random, IReadOnlyList<CommandFamily> families, Func<string, bool> supports)
    {
        Random = random;
        Supports = supports;
        _families = families.Where(f => f.IsAvailable(supports)).ToList();
    }

    public CommandRandom Random { get; }

    /// <summary>Whether the Vigil under test knows a command (unknown ones are not generated).</summary>
    public Func<string, bool> Supports { get; }

    public IReadOnlyList<CommandFamily> Families => _families;

    public CommandFamily PickFamily()
    {
        int pick = Random.Next(_families.Sum(f => f.Weight));
        foreach (var f in _families)
        {
            pick -= f.Weight;
            if (pick < 0) return f;
        }
        throw new InvalidOperationException("no command family is available");
    }

    /// <summary>
    /// One single command from any family, compared exactly (for use inside MULTI, where the replies
    /// come back together in EXEC's array and only an exact comparison applies).
    /// </summary>
    public DiffCommand AnyExactCommand()
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            var command = PickFamily().Single(this);
            if (command is { Match.Kind: MatchKind.Exact, OutsideMultiOnly: false }) return command;
        }
        return new DiffCommand([CommandRandom.Bytes("PING")], ReplyMatch.Exact);
    }
}
