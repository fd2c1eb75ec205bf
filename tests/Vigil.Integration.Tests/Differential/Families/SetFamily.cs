namespace Vigil.Integration.Tests.Differential.Families;

/// <summary>
/// Set commands (t_set.c): members from a small domain that mixes canonical integers (intsets) with
/// strings and non-canonical numbers (hashtables), and the algebra over colliding keys. Member
/// lists are compared in any order; random picks below the whole set by shape. SPOP only ever
/// takes every member, so both servers keep the same data.
/// </summary>
public sealed class SetFamily : CommandFamily
{
    private static readonly string[] CommonMembers = ["0", "1", "2", "-1", "100", "70000", "a", "b", "c"];
    private static readonly string[] OddMembers =
        ["", "01", "-0", " 1", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "\0\xff", new string('m', 70), "1.5"];

    public SetFamily()
    {
        Add("sadd", 8, r => Cmd("SADD", r.Key(), Members(r, 1, 5)));
        Add("srem", 4, r => Cmd("SREM", r.Key(), Members(r, 1, 3)));
        Add("sismember", 3, r => Cmd("SISMEMBER", r.Key(), Member(r)));
        Add("smismember", 2, r => Cmd("SMISMEMBER", r.Key(), Members(r, 1, 4)));
        Add("scard", 2, r => Cmd("SCARD", r.Key()));
        Add("smembers", 3, r => Cmd("SMEMBERS", r.Key()).With(ReplyMatch.Unordered));
        Add("srandmember", 2, RandomMember);
        Add("spop", 2, Pop);
        Add("smove", 3, r => Cmd("SMOVE", r.Key(), r.Key(), Member(r)));
        Add("sinter", 2, r => Cmd("SINTER", r.Keys(1, 3)).With(ReplyMatch.Unordered));
        Add("sintercard", 2, InterCard);
        Add("sunion", 2, r => Cmd("SUNION", r.Keys(1, 3)).With(ReplyMatch.Unordered));
        Add("sdiff", 2, r => Cmd("SDIFF", r.Keys(1, 3)).With(ReplyMatch.Unordered));
        Add("sinterstore", 2, r => Cmd("SINTERSTORE", r.Key(), r.Keys(1, 3)));
        Add("sunionstore", 2, r => Cmd("SUNIONSTORE", r.Key(), r.Keys(1, 3)));
        Add("sdiffstore", 2, r => Cmd("SDIFFSTORE", r.Key(), r.Keys(1, 3)));
        Add("sscan", 2, Scan);
    }

    public override int Weight => 3;

    private static byte[] Member(CommandRandom r) => CommandRandom.Bytes(r.Chance(0.85) ? r.Pick(CommonMembers) : r.Pick(OddMembers));

    private static byte[][] Members(CommandRandom r, int min, int max) => r.Several(min, max, Member);

    /// <summary>
    /// SRANDMEMBER: a count past any set's size returns it whole (any order); other picks by shape.
    /// Errors and empty replies are compared as Unordered too, which is exact for them but keeps the
    /// tester from cutting the arguments short into a random pick.
    /// </summary>
    private static DiffCommand RandomMember(CommandRandom r) => r.Next(5) switch
    {
        0 => Cmd("SRANDMEMBER", r.Key()).With(ReplyMatch.SameShape),
        1 => Cmd("SRANDMEMBER", r.Key(), "1000").With(ReplyMatch.Unordered),
        2 => Cmd("SRANDMEMBER", r.Key(), r.Pick("0", "abc", "-9223372036854775808", "1.5")).With(ReplyMatch.Unordered),
        3 => Cmd("SRANDMEMBER", r.Key(), "1", "2").With(ReplyMatch.Unordered),
        _ => Cmd("SRANDMEMBER", r.Key(), r.Pick("1", "2", "-1", "-4")).With(ReplyMatch.SameShape),
    };

    /// <summary>
    /// SPOP of every member (which member a smaller pop takes differs between the servers), or
    /// argument errors; never exact, so never cut short into a random pop.
    /// </summary>
    private static DiffCommand Pop(CommandRandom r) => r.Next(3) switch
    {
        0 => Cmd("SPOP", r.Key(), "1000").With(ReplyMatch.Unordered),
        1 => Cmd("SPOP", r.Key(), r.Pick("0", "-1", "abc", "1.5")).With(ReplyMatch.Unordered),
        _ => Cmd("SPOP", r.Key(), "1", "2").With(ReplyMatch.Unordered),
    };

    private static DiffCommand InterCard(CommandRandom r)
    {
        var keys = r.Keys(1, 3);
        var parts = new List<object> { "SINTERCARD", r.Chance(0.9) ? keys.Length.ToString() : r.Pick("0", "-1", "abc", "5"), keys };
        if (r.Chance(0.4)) parts.AddRange(["LIMIT", r.Pick("0", "1", "2", "-1", "abc")]);
        else if (r.Chance(0.1)) parts.Add(r.Pick("LIMIT", "FOO"));
        return Cmd(parts.ToArray());
    }

    /// <summary>SSCAN with a COUNT large enough to finish in one call; sometimes bad cursors and options.</summary>
    private static DiffCommand Scan(CommandRandom r)
    {
        if (r.Next(6) == 0) return Cmd("SSCAN", r.Key(), r.Pick("abc", "-1", "0"), r.Pick("COUNT", "TYPE", "MATCH"), r.Pick("0", "abc", "string")).With(ReplyMatch.Scan);
        var parts = new List<object> { "SSCAN", r.Key(), "0", "COUNT", "1000" };
        if (r.Chance(0.5)) parts.AddRange(["MATCH", CommandRandom.Bytes(r.Pick("*", "1*", "?", "a", "[a-b]", "[", "-*"))]);
        return Cmd(parts.ToArray()).With(ReplyMatch.Scan);
    }
}
