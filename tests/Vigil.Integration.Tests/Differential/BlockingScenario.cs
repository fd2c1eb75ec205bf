using System.Text;
using static Vigil.Integration.Tests.Differential.ScenarioRunner;

namespace Vigil.Integration.Tests.Differential;

/// <summary>One step of a blocking scenario: a new client sends a blocking command, or the writer sends commands.</summary>
public abstract record BlockingStep;

/// <summary>
/// A new client (RESP3 when asked) sends a blocking command that waits forever, perhaps with another
/// command pipelined behind it (which runs once the first is served, and may itself serve others).
/// </summary>
public sealed record WaiterStep(byte[][] Command, byte[][]? Pipelined, bool Resp3) : BlockingStep;

/// <summary>The writer's connection sends these commands as one write (a MULTI ... EXEC, or a single command).</summary>
public sealed record WriterStep(IReadOnlyList<byte[][]> Commands) : BlockingStep;

/// <summary>
/// Several clients block on a few keys, for lists or sorted sets, while one writer works them:
/// waiters are served in the order they blocked, by pushes, ZADDs, Z*STOREs, transactions, moves,
/// renames, SWAPDB and each other's BLMOVEs and pipelined writes; a key of the other type serves no
/// one. Waiters wait forever; CLIENT UNBLOCK releases the rest at the end.
/// </summary>
public sealed record BlockingScenario(IReadOnlyList<BlockingStep> Steps)
{
    public static readonly string[] Keys = ["k0", "k1", "k2", "k3"];

    private static readonly string[] Elements = ["a", "b", "c", "1", "2"];

    public int Waiters => Steps.Count(s => s is WaiterStep);

    public static BlockingScenario Generate(int seed)
    {
        var r = new CommandRandom(seed);
        var steps = new List<BlockingStep>();
        int setup = r.Between(0, 3);
        for (int i = 0; i < setup; i++) steps.Add(Writer(r));
        int waiters = r.Between(2, 6);
        for (int i = 0; i < waiters; i++)
        {
            steps.Add(Waiter(r));
            if (r.Chance(0.4)) steps.Add(Writer(r));
        }
        int writes = r.Between(2, 10);
        for (int i = 0; i < writes; i++) steps.Add(Writer(r));
        return new BlockingScenario(steps);
    }

    public string Describe()
    {
        var text = new StringBuilder();
        int waiter = 0;
        foreach (var step in Steps)
        {
            switch (step)
            {
                case WaiterStep w:
                    text.Append($"  waiter {waiter++}{(w.Resp3 ? " (RESP3)" : "")}: {Show(w.Command)}");
                    if (w.Pipelined != null) text.Append(" | then ").Append(Show(w.Pipelined));
                    text.Append('\n');
                    break;
                case WriterStep s:
                    text.Append("  writer: ").Append(string.Join(" | ", s.Commands.Select(Show))).Append('\n');
                    break;
            }
        }
        return text.ToString();
    }

    private static byte[] Key(CommandRandom r) => CommandRandom.Bytes(r.Pick(Keys));

    private static byte[] Side(CommandRandom r) => CommandRandom.Bytes(r.Pick("LEFT", "RIGHT"));

    private static byte[][] SomeKeys(CommandRandom r)
    {
        var keys = new byte[r.Between(1, 3)][];
        for (int i = 0; i < keys.Length; i++) keys[i] = Key(r);
        return keys;
    }

    private static byte[][] SomeElements(CommandRandom r)
    {
        var elements = new byte[r.Between(1, 3)][];
        for (int i = 0; i < elements.Length; i++) elements[i] = CommandRandom.Bytes(r.Pick(Elements));
        return elements;
    }

    private static WaiterStep Waiter(CommandRandom r)
    {
        byte[][] command = r.Next(8) switch
        {
            0 => Args("BLPOP", SomeKeys(r), "0"),
            1 => Args("BRPOP", SomeKeys(r), "0"),
            2 => Args("BLMOVE", Key(r), Key(r), Side(r), Side(r), "0"),
            3 => Args("BRPOPLPUSH", Key(r), Key(r), "0"),
            4 => BlmPop(r),
            5 => Args("BZPOPMIN", SomeKeys(r), "0"),
            6 => Args("BZPOPMAX", SomeKeys(r), "0"),
            _ => BzmPop(r),
        };
        byte[][]? pipelined = r.Next(5) switch
        {
            0 => Args("RPUSH", Key(r), SomeElements(r)),
            1 => Args("LLEN", Key(r)),
            2 => Args("ZADD", Key(r), SomeScoresAndMembers(r)),
            _ => null,
        };
        return new WaiterStep(command, pipelined, r.Chance(0.25));
    }

    private static byte[][] BlmPop(CommandRandom r)
    {
        var keys = SomeKeys(r);
        var args = Args("BLMPOP", "0", keys.Length, keys, Side(r));
        return r.Chance(0.5) ? Args(args, "COUNT", r.Between(1, 3)) : args;
    }

    private static byte[][] BzmPop(CommandRandom r)
    {
        var keys = SomeKeys(r);
        var args = Args("BZMPOP", "0", keys.Length, keys, r.Pick("MIN", "MAX"));
        return r.Chance(0.5) ? Args(args, "COUNT", r.Between(1, 3)) : args;
    }

    private static byte[][] SomeScoresAndMembers(CommandRandom r)
    {
        var pairs = new byte[r.Between(1, 3) * 2][];
        for (int i = 0; i < pairs.Length; i += 2)
        {
            pairs[i] = CommandRandom.Bytes(r.Pick("1", "2", "-1", "0.5", "3"));
            pairs[i + 1] = CommandRandom.Bytes(r.Pick(Elements));
        }
        return pairs;
    }

    private static WriterStep Writer(CommandRandom r)
    {
        if (r.Chance(0.15))
        {
            var queued = new List<byte[][]> { Args("MULTI") };
            int n = r.Between(1, 4);
            for (int i = 0; i < n; i++) queued.Add(r.Chance(0.15) ? Args(r.Pick("BLPOP", "BZPOPMIN"), Key(r), "0") : Write(r));
            queued.Add(Args("EXEC"));
            return new WriterStep(queued);
        }
        return new WriterStep([Write(r)]);
    }

    /// <summary>A command that never blocks the writer.</summary>
    private static byte[][] Write(CommandRandom r) => r.Next(30) switch
    {
        < 5 => Args("RPUSH", Key(r), SomeElements(r)),
        < 8 => Args("LPUSH", Key(r), SomeElements(r)),
        8 => Args(r.Pick("LPUSHX", "RPUSHX"), Key(r), SomeElements(r)),
        9 => Args(r.Pick("LPOP", "RPOP"), Key(r)),
        10 => Args("LMOVE", Key(r), Key(r), Side(r), Side(r)),
        11 => Args("RPOPLPUSH", Key(r), Key(r)),
        12 => Args("LMPOP", 1, Key(r), Side(r), "COUNT", r.Between(1, 3)),
        13 => Args("DEL", Key(r)),
        14 => Args("SET", Key(r), "string"),
        15 => Args("RENAME", Key(r), Key(r)),
        16 => Args("LTRIM", Key(r), r.Between(-2, 1), r.Between(-2, 2)),
        17 => Args("LREM", Key(r), r.Between(-1, 1), r.Pick(Elements)),
        18 => Args("SWAPDB", 0, 1),
        19 => Args("MOVE", Key(r), 1),
        < 24 => Args("ZADD", Key(r), SomeScoresAndMembers(r)),
        24 => Args("ZINCRBY", Key(r), "1", r.Pick(Elements)),
        25 => Args(r.Pick("ZPOPMIN", "ZPOPMAX"), Key(r), r.Between(1, 2)),
        26 => Args("ZMPOP", 1, Key(r), r.Pick("MIN", "MAX"), "COUNT", r.Between(1, 3)),
        27 => Args("ZUNIONSTORE", Key(r), 2, Key(r), Key(r)),
        28 => Args("ZRANGESTORE", Key(r), Key(r), 0, r.Between(0, 2)),
        _ => Args("ZREM", Key(r), r.Pick(Elements)),
    };
}
