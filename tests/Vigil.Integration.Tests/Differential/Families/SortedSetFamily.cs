namespace Vigil.Integration.Tests.Differential.Families;

/// <summary>
/// Sorted set commands (t_zset.c), the blocking ones included (they wait a few milliseconds at
/// most, or get a bad timeout). Members from a small domain with one past zset-max-listpack-value
/// (so sets turn into skiplists), scores at the edges strtod and Redis's range parsers care about.
/// ZRANDMEMBER below the whole set is compared by shape; every other reply exactly.
/// </summary>
public sealed class SortedSetFamily : CommandFamily
{
    private static readonly string[] CommonMembers = ["a", "b", "c", "d", "1", "2", "-1", "x y"];
    private static readonly string[] OddMembers = ["", "\0\xff", new string('m', 65), "A", "aa", "10"];
    private static readonly string[] GoodScores = ["1", "2", "-1", "0", "1.5", "3", "-0", "-inf", "+inf", "1e3", "0x10", "0.1", " 2"];
    private static readonly string[] BadScores = ["nan", "abc", "", "(1", "1.5.5", "inf inf"];
    private static readonly string[] ScoreBounds = ["-inf", "+inf", "inf", "1", "(1", "2", "(2.5", "0", "-1", "(", "((1", "abc", "nan", " 1", "(-inf"];
    private static readonly string[] LexBounds = ["-", "+", "[a", "(a", "[b", "(c", "[", "(", "a", "[x y", "[\xff"];

    public SortedSetFamily()
    {
        Add("zadd", 10, Add);
        Add("zincrby", 3, r => Cmd("ZINCRBY", r.Key(), Score(r), Member(r)));
        Add("zrem", 4, r => Cmd("ZREM", r.Key(), Members(r, 1, 3)));
        Add("zcard", 2, r => Cmd("ZCARD", r.Key()));
        Add("zscore", 2, r => Cmd("ZSCORE", r.Key(), Member(r)));
        Add("zmscore", 2, r => Cmd("ZMSCORE", r.Key(), Members(r, 1, 3)));
        Add("zrank", 2, r => Cmd("ZRANK", r.Key(), Member(r)));
        Add("zrevrank", 2, r => Cmd("ZREVRANK", r.Key(), Member(r)));
        Add("zcount", 2, r => Cmd("ZCOUNT", r.Key(), r.Pick(ScoreBounds), r.Pick(ScoreBounds)));
        Add("zlexcount", 2, r => Cmd("ZLEXCOUNT", r.Key(), r.Pick(LexBounds), r.Pick(LexBounds)));
        Add("zrange", 6, r => Range(r, ["ZRANGE", r.Key()]));
        Add("zrangestore", 2, r => Range(r, ["ZRANGESTORE", r.Key(), r.Key()], withScores: false));
        Add("zrangebyscore", 2, r => Legacy(r, "ZRANGEBYSCORE", ScoreBounds, withScores: true));
        Add("zrevrangebyscore", 2, r => Legacy(r, "ZREVRANGEBYSCORE", ScoreBounds, withScores: true));
        Add("zrangebylex", 2, r => Legacy(r, "ZRANGEBYLEX", LexBounds, withScores: false));
        Add("zrevrangebylex", 2, r => Legacy(r, "ZREVRANGEBYLEX", LexBounds, withScores: false));
        Add("zrevrange", 2, r => Cmd("ZREVRANGE", r.Key(), Index(r), Index(r), WithScores(r)));
        Add("zremrangebyrank", 2, r => Cmd("ZREMRANGEBYRANK", r.Key(), Index(r), Index(r)));
        Add("zremrangebyscore", 2, r => Cmd("ZREMRANGEBYSCORE", r.Key(), r.Pick(ScoreBounds), r.Pick(ScoreBounds)));
        Add("zremrangebylex", 2, r => Cmd("ZREMRANGEBYLEX", r.Key(), r.Pick(LexBounds), r.Pick(LexBounds)));
        Add("zpopmin", 3, r => Cmd("ZPOPMIN", r.Key(), Count(r)));
        Add("zpopmax", 3, r => Cmd("ZPOPMAX", r.Key(), Count(r)));
        Add("zmpop", 2, r => MPop(r, ["ZMPOP"]));
        Add("bzpopmin", 1, r => Cmd("BZPOPMIN", r.Keys(1, 3), Timeout(r)));
        Add("bzpopmax", 1, r => Cmd("BZPOPMAX", r.Keys(1, 3), Timeout(r)));
        Add("bzmpop", 1, r => MPop(r, ["BZMPOP", Timeout(r)]));
        Add("zunion", 2, r => Algebra(r, "ZUNION", store: false));
        Add("zinter", 2, r => Algebra(r, "ZINTER", store: false));
        Add("zdiff", 2, r => Algebra(r, "ZDIFF", store: false));
        Add("zunionstore", 2, r => Algebra(r, "ZUNIONSTORE", store: true));
        Add("zinterstore", 2, r => Algebra(r, "ZINTERSTORE", store: true));
        Add("zdiffstore", 2, r => Algebra(r, "ZDIFFSTORE", store: true));
        Add("zintercard", 1, InterCard);
        Add("zrandmember", 2, RandomMember);
        Add("zscan", 2, Scan);
    }

    public override int Weight => 3;

    private static byte[] Member(CommandRandom r) => CommandRandom.Bytes(r.Chance(0.85) ? r.Pick(CommonMembers) : r.Pick(OddMembers));

    private static byte[][] Members(CommandRandom r, int min, int max)
    {
        var members = new byte[r.Between(min, max)][];
        for (int i = 0; i < members.Length; i++) members[i] = Member(r);
        return members;
    }

    private static string Score(CommandRandom r) => r.Next(12) switch
    {
        0 => r.Pick(BadScores),
        1 => r.Pick("1.7976931348623157e308", "-1.7976931348623157e308", "4.9e-324", "0.30000000000000004", "123456789012345678"),
        _ => r.Pick(GoodScores),
    };

    /// <summary>ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member ...: options in any order, conflicting ones included.</summary>
    private static DiffCommand Add(CommandRandom r)
    {
        var parts = new List<object> { "ZADD", r.Key() };
        int options = r.Next(4) == 0 ? r.Between(1, 3) : 0;
        for (int i = 0; i < options; i++) parts.Add(r.Pick("NX", "XX", "GT", "LT", "CH", "INCR", "ch", "gt"));
        int pairs = r.Next(10) == 0 ? r.Between(20, 140) : r.Between(1, 4);
        for (int i = 0; i < pairs; i++)
        {
            parts.Add(Score(r));
            // Long runs use fresh members, so a set can pass zset-max-listpack-entries (128).
            parts.Add(pairs > 4 ? CommandRandom.Bytes("m" + r.Between(0, 200)) : Member(r));
        }
        if (r.Next(30) == 0) parts.Add(Score(r)); // an odd number of score/member arguments
        return Cmd(parts.ToArray());
    }

    private static object Index(CommandRandom r) => r.Next(10) switch
    {
        0 => r.Pick("9223372036854775807", "-9223372036854775808", "x", "1.5", ""),
        _ => r.Between(-5, 5),
    };

    private static object Count(CommandRandom r) => r.Next(8) switch
    {
        0 => r.Pick("-1", "x", "9223372036854775807", "-9223372036854775808"),
        _ => r.Between(0, 4),
    };

    private static byte[][] WithScores(CommandRandom r) => r.Chance(0.4) ? [CommandRandom.Bytes(r.Pick("WITHSCORES", "withscores"))] : [];

    /// <summary>ZRANGE/ZRANGESTORE: by rank, BYSCORE or BYLEX, REV, LIMIT, WITHSCORES, in any order.</summary>
    private static DiffCommand Range(CommandRandom r, object[] prefix, bool withScores = true)
    {
        var parts = new List<object>(prefix);
        int by = r.Next(3);
        parts.AddRange(by switch
        {
            0 => [Index(r), Index(r)],
            1 => [r.Pick(ScoreBounds), r.Pick(ScoreBounds)],
            _ => [r.Pick(LexBounds), r.Pick(LexBounds)],
        });
        var options = new List<object[]>();
        if (by == 1 || r.Next(10) == 0) options.Add([r.Pick("BYSCORE", "byscore")]);
        if (by == 2 || r.Next(10) == 0) options.Add(["BYLEX"]);
        if (r.Chance(0.3)) options.Add(["REV"]);
        if (r.Chance(0.3)) options.Add(["LIMIT", r.Pick<object>(0, 1, -1, "x"), r.Pick<object>(1, 2, -1, 0, "y")]);
        if (withScores && r.Chance(0.3)) options.Add(["WITHSCORES"]);
        if (r.Next(20) == 0) options.Add([r.Pick("LIMIT", "FOO")]);
        foreach (var option in options.OrderBy(_ => r.Next(100))) parts.AddRange(option);
        return Cmd(parts.ToArray());
    }

    /// <summary>ZRANGEBYSCORE/ZRANGEBYLEX and their REV forms: two bounds, [WITHSCORES] [LIMIT offset count].</summary>
    private static DiffCommand Legacy(CommandRandom r, string name, string[] bounds, bool withScores)
    {
        var parts = new List<object> { name, r.Key(), r.Pick(bounds), r.Pick(bounds) };
        if (withScores && r.Chance(0.4)) parts.Add("WITHSCORES");
        if (r.Chance(0.3)) parts.AddRange(["LIMIT", r.Pick<object>(0, 1, -1, "x"), r.Pick<object>(1, 2, -1, 0)]);
        if (r.Next(20) == 0) parts.Add(r.Pick("LIMIT", "WITHSCORES", "FOO"));
        return Cmd(parts.ToArray());
    }

    /// <summary>A few milliseconds (the cron's next tick ends the wait), or a timeout Redis refuses.</summary>
    private static object Timeout(CommandRandom r) => r.Next(8) == 0 ? r.Pick("-1", "abc", "inf", "nan", "1e20", "0x") : r.Pick("0.01", "0.001", "1e-3");

    /// <summary>ZMPOP numkeys key... MIN|MAX [COUNT n] after <paramref name="prefix"/>, numkeys sometimes wrong.</summary>
    private static DiffCommand MPop(CommandRandom r, object[] prefix)
    {
        var keys = r.Keys(1, 3);
        var parts = new List<object>(prefix) { r.Next(10) == 0 ? r.Pick<object>(0, -1, "x", keys.Length + 1) : keys.Length, keys };
        parts.Add(r.Next(12) == 0 ? r.Pick("LEFT", "middle") : r.Pick("MIN", "max", "Min", "MAX"));
        if (r.Chance(0.5)) parts.AddRange(["COUNT", r.Pick<object>(1, 2, 5, 0, -1, "x")]);
        if (r.Next(20) == 0) parts.Add(r.Pick("COUNT", "FOO"));
        return Cmd(parts.ToArray());
    }

    /// <summary>ZUNION/ZINTER/ZDIFF (+STORE): numkeys keys [WEIGHTS w...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES].</summary>
    private static DiffCommand Algebra(CommandRandom r, string name, bool store)
    {
        var keys = r.Keys(1, 3);
        var parts = new List<object> { name };
        if (store) parts.Add(r.Key());
        parts.Add(r.Next(10) == 0 ? r.Pick<object>(0, -1, "x", keys.Length + 1) : keys.Length);
        parts.Add(keys);
        bool diff = name.StartsWith("ZDIFF");
        if (!diff && r.Chance(0.4))
        {
            parts.Add("WEIGHTS");
            int weights = r.Next(8) == 0 ? keys.Length + r.Pick(-1, 1) : keys.Length;
            for (int i = 0; i < weights; i++) parts.Add(r.Pick("1", "2", "-1", "0", "0.5", "inf", "-inf", "nan", "x"));
        }
        if (!diff && r.Chance(0.4)) parts.AddRange(["AGGREGATE", r.Pick("SUM", "min", "MAX", "avg")]);
        if (!store && r.Chance(0.4)) parts.Add("WITHSCORES");
        if (r.Next(20) == 0) parts.Add(r.Pick("WEIGHTS", "AGGREGATE", "FOO", "WITHSCORES"));
        return Cmd(parts.ToArray());
    }

    private static DiffCommand InterCard(CommandRandom r)
    {
        var keys = r.Keys(1, 3);
        var parts = new List<object> { "ZINTERCARD", r.Chance(0.9) ? keys.Length.ToString() : r.Pick("0", "-1", "abc", "5"), keys };
        if (r.Chance(0.4)) parts.AddRange(["LIMIT", r.Pick("0", "1", "2", "-1", "abc")]);
        return Cmd(parts.ToArray());
    }

    /// <summary>
    /// ZRANDMEMBER: a count past any set's size gives the whole set in random order (compared as
    /// pairs or members in any order); smaller picks by shape; argument errors exactly.
    /// </summary>
    private static DiffCommand RandomMember(CommandRandom r) => r.Next(5) switch
    {
        0 => Cmd("ZRANDMEMBER", r.Key()).With(ReplyMatch.SameShape),
        1 => Cmd("ZRANDMEMBER", r.Key(), "1000", "WITHSCORES").With(ReplyMatch.UnorderedPairs),
        2 => Cmd("ZRANDMEMBER", r.Key(), "1000").With(ReplyMatch.Unordered),
        3 => Cmd("ZRANDMEMBER", r.Key(), r.Pick("0", "abc", "-9223372036854775808", "1.5"), r.Pick("WITHSCORES", "FOO")).With(ReplyMatch.Unordered),
        _ => Cmd("ZRANDMEMBER", r.Key(), r.Pick("1", "2", "-1", "-4")).With(ReplyMatch.SameShape),
    };

    /// <summary>ZSCAN with a COUNT large enough to finish in one call; sometimes bad cursors and options.</summary>
    private static DiffCommand Scan(CommandRandom r)
    {
        if (r.Next(6) == 0) return Cmd("ZSCAN", r.Key(), r.Pick("abc", "-1", "0"), r.Pick("COUNT", "MATCH"), r.Pick("0", "abc")).With(ReplyMatch.Scan);
        var parts = new List<object> { "ZSCAN", r.Key(), "0", "COUNT", "1000" };
        if (r.Chance(0.5)) parts.AddRange(["MATCH", CommandRandom.Bytes(r.Pick("*", "a*", "?", "m1*", "[a-b]", "["))]);
        return Cmd(parts.ToArray()).With(ReplyMatch.Scan);
    }
}
