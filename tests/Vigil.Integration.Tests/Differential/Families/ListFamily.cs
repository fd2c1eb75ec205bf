namespace Vigil.Integration.Tests.Differential.Families;

/// <summary>
/// List commands (t_list.c), the blocking ones included: those only ever wait a few milliseconds
/// (or get a bad timeout), so a sequence on one connection sees them time out the same way on both
/// servers.
/// </summary>
public sealed class ListFamily : CommandFamily
{
    private static readonly string[] Elements = ["a", "b", "c", "1", "2", "-3", "a"];

    public ListFamily()
    {
        Add("lpush", 6, r => Cmd("LPUSH", r.Key(), Some(r)));
        Add("rpush", 6, r => Cmd("RPUSH", r.Key(), Some(r)));
        Add("lpushx", 2, r => Cmd("LPUSHX", r.Key(), Some(r)));
        Add("rpushx", 2, r => Cmd("RPUSHX", r.Key(), Some(r)));
        Add("lpop", 4, r => r.Chance(0.5) ? Cmd("LPOP", r.Key()) : Cmd("LPOP", r.Key(), Count(r)));
        Add("rpop", 4, r => r.Chance(0.5) ? Cmd("RPOP", r.Key()) : Cmd("RPOP", r.Key(), Count(r)));
        Add("llen", 3, r => Cmd("LLEN", r.Key()));
        Add("lrange", 5, r => Cmd("LRANGE", r.Key(), Index(r), Index(r)));
        Add("lindex", 3, r => Cmd("LINDEX", r.Key(), Index(r)));
        Add("lset", 2, r => Cmd("LSET", r.Key(), Index(r), Element(r)));
        Add("linsert", 2, r => Cmd("LINSERT", r.Key(), r.Pick("BEFORE", "after", "middle"), Element(r), Element(r)));
        Add("lrem", 2, r => Cmd("LREM", r.Key(), Count(r, negative: true), Element(r)));
        Add("ltrim", 2, r => Cmd("LTRIM", r.Key(), Index(r), Index(r)));
        Add("lpos", 3, r => WithOptions(r, ["LPOS", r.Key(), Element(r)], 3, LPosOption));
        Add("lmove", 2, r => Cmd("LMOVE", r.Key(), r.Key(), Side(r), Side(r)));
        Add("rpoplpush", 2, r => Cmd("RPOPLPUSH", r.Key(), r.Key()));
        Add("lmpop", 2, r => MPop(r, ["LMPOP"]));
        Add("blpop", 1, r => Cmd("BLPOP", r.Keys(1, 3), Timeout(r)));
        Add("brpop", 1, r => Cmd("BRPOP", r.Keys(1, 3), Timeout(r)));
        Add("blmove", 1, r => Cmd("BLMOVE", r.Key(), r.Key(), Side(r), Side(r), Timeout(r)));
        Add("brpoplpush", 1, r => Cmd("BRPOPLPUSH", r.Key(), r.Key(), Timeout(r)));
        Add("blmpop", 1, r => MPop(r, ["BLMPOP", Timeout(r)]));
    }

    public override int Weight => 3;

    private static byte[] Element(CommandRandom r) => r.Chance(0.8) ? CommandRandom.Bytes(r.Pick(Elements)) : r.Value();

    private static byte[][] Some(CommandRandom r)
    {
        var elements = new byte[r.Between(1, 5)][];
        for (int i = 0; i < elements.Length; i++) elements[i] = Element(r);
        return elements;
    }

    private static object Index(CommandRandom r) => r.Next(10) switch
    {
        0 => r.Pick("9223372036854775807", "-9223372036854775808", "100", "-100"),
        1 => r.Pick("x", "1.5", ""),
        _ => r.Between(-6, 6),
    };

    private static object Count(CommandRandom r, bool negative = false) => r.Next(10) switch
    {
        0 => r.Pick("-1", "x", "9223372036854775807", "-9223372036854775808"),
        _ => negative ? r.Between(-3, 3) : r.Between(0, 4),
    };

    private static object Side(CommandRandom r) => r.Next(12) == 0 ? r.Pick("middle", "") : r.Pick("LEFT", "right", "Left", "RIGHT");

    /// <summary>A few milliseconds (the cron's next tick ends the wait), or a timeout Redis refuses.</summary>
    private static object Timeout(CommandRandom r) => r.Next(8) == 0 ? r.Pick("-1", "abc", "inf", "nan", "1e20", "0x") : r.Pick("0.01", "0.001", "1e-3");

    private static object[] LPosOption(CommandRandom r) => r.Next(7) switch
    {
        0 or 1 => ["RANK", r.Pick<object>(1, 2, -1, -2, 0, "x", "-9223372036854775808")],
        2 or 3 => ["COUNT", r.Pick<object>(0, 1, 2, -1, "x")],
        4 or 5 => ["MAXLEN", r.Pick<object>(0, 1, 3, -1, "x")],
        _ => [r.Pick("RANK", "FOO", "count")],
    };

    /// <summary>LMPOP numkeys key... LEFT|RIGHT [COUNT n] after <paramref name="prefix"/>, numkeys sometimes wrong.</summary>
    private static DiffCommand MPop(CommandRandom r, object[] prefix)
    {
        var keys = r.Keys(1, 3);
        var parts = new List<object>(prefix) { r.Next(10) == 0 ? r.Pick<object>(0, -1, "x", keys.Length + 1) : keys.Length, keys, Side(r) };
        if (r.Chance(0.5)) parts.AddRange(["COUNT", r.Pick<object>(1, 2, 5, 0, -1, "x")]);
        return Cmd(parts.ToArray());
    }
}
