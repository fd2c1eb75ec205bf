namespace Vigil.Integration.Tests.Differential.Families;

/// <summary>
/// Hash commands (t_hash.c): fields from a small domain so writes collide, values that cross the
/// listpack limits (long strings, binary), counters at their edges. Replies that list a hashtable
/// are compared in any order; HRANDFIELD below the whole hash by shape.
/// </summary>
public sealed class HashFamily : CommandFamily
{
    private static readonly string[] CommonFields = ["f0", "f1", "f2", "f3", "n", "x"];
    private static readonly string[] OddFields = ["", "f\0\xff", "a b", new string('F', 65), "007", "1"];

    public HashFamily()
    {
        Add("hset", 8, r => Cmd("HSET", r.Key(), Pairs(r)));
        Add("hmset", 2, r => Cmd("HMSET", r.Key(), Pairs(r)));
        Add("hsetnx", 2, r => Cmd("HSETNX", r.Key(), Field(r), r.Value()));
        Add("hget", 5, r => Cmd("HGET", r.Key(), Field(r)));
        Add("hmget", 3, r => Cmd("HMGET", r.Key(), Fields(r, 1, 4)));
        Add("hdel", 4, r => Cmd("HDEL", r.Key(), Fields(r, 1, 3)));
        Add("hexists", 2, r => Cmd("HEXISTS", r.Key(), Field(r)));
        Add("hlen", 2, r => Cmd("HLEN", r.Key()));
        Add("hstrlen", 2, r => Cmd("HSTRLEN", r.Key(), Field(r)));
        Add("hkeys", 2, r => Cmd("HKEYS", r.Key()).With(ReplyMatch.Unordered));
        Add("hvals", 2, r => Cmd("HVALS", r.Key()).With(ReplyMatch.Unordered));
        Add("hgetall", 3, r => Cmd("HGETALL", r.Key()).With(ReplyMatch.UnorderedPairs));
        Add("hincrby", 4, r => Cmd("HINCRBY", r.Key(), Field(r), r.Integer()));
        Add("hincrbyfloat", 3, r => Cmd("HINCRBYFLOAT", r.Key(), Field(r), r.Float()));
        Add("hrandfield", 3, RandomField);
        Add("hscan", 2, Scan);
    }

    public override int Weight => 3;

    private static byte[] Field(CommandRandom r) => CommandRandom.Bytes(r.Chance(0.9) ? r.Pick(CommonFields) : r.Pick(OddFields));

    private static byte[][] Fields(CommandRandom r, int min, int max)
    {
        var fields = new byte[r.Between(min, max)][];
        for (int i = 0; i < fields.Length; i++) fields[i] = Field(r);
        return fields;
    }

    /// <summary>Field/value pairs; now and then one argument short (an arity error).</summary>
    private static byte[][] Pairs(CommandRandom r)
    {
        var args = new List<byte[]>();
        int pairs = r.Between(1, 4);
        for (int i = 0; i < pairs; i++)
        {
            args.Add(Field(r));
            args.Add(r.Value());
        }
        if (r.Chance(0.08)) args.RemoveAt(args.Count - 1);
        return args.ToArray();
    }

    /// <summary>
    /// HRANDFIELD: a count past any hash's size returns it whole (any order); other picks by shape.
    /// Errors and empty replies are compared as Unordered, exact for them, so that the tester never
    /// cuts their arguments short into a random pick.
    /// </summary>
    private static DiffCommand RandomField(CommandRandom r)
    {
        var key = r.Key();
        bool withValues = r.Chance(0.4);
        object[] tail = withValues ? [r.Pick("WITHVALUES", "withvalues", "WITHVALUE")] : [];
        return r.Next(6) switch
        {
            0 => Cmd("HRANDFIELD", key).With(ReplyMatch.SameShape),
            1 => Cmd(["HRANDFIELD", key, "1000", .. tail]).With(withValues ? ReplyMatch.UnorderedPairs : ReplyMatch.Unordered),
            2 => Cmd(["HRANDFIELD", key, r.Pick("0", "abc", "-9223372036854775808", "4611686018427387904", "1.5"), .. tail]).With(ReplyMatch.Unordered),
            3 => Cmd("HRANDFIELD", key, "1", "WITHVALUES", "extra").With(ReplyMatch.Unordered),
            _ => Cmd(["HRANDFIELD", key, r.Pick("1", "2", "-1", "-3"), .. tail]).With(ReplyMatch.SameShape),
        };
    }

    /// <summary>HSCAN with a COUNT large enough to finish in one call; sometimes bad cursors and options.</summary>
    private static DiffCommand Scan(CommandRandom r)
    {
        if (r.Next(6) == 0) return Cmd("HSCAN", r.Key(), r.Pick("abc", "-1", "0"), r.Pick("COUNT", "TYPE", "MATCH"), r.Pick("0", "abc", "string")).With(ReplyMatch.Scan);
        var parts = new List<object> { "HSCAN", r.Key(), "0", "COUNT", "1000" };
        if (r.Chance(0.5)) parts.AddRange(["MATCH", CommandRandom.Bytes(r.Pick("f*", "*", "f[0-1]", "?", "x", "[", "\\"))]);
        return Cmd(parts.ToArray()).With(ReplyMatch.Scan);
    }
}
