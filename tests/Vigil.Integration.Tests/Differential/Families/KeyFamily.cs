namespace Vigil.Integration.Tests.Differential.Families;

/// <summary>
/// Generic key commands (db.c, expire.c): existence, types, expiry with its options, patterns,
/// renames, copies and moves between the databases 0-2. TTL readings are compared with a few
/// seconds' tolerance; KEYS and SCAN as sets; RANDOMKEY by shape.
/// </summary>
public sealed class KeyFamily : CommandFamily
{
    // The servers set a TTL a few milliseconds apart, and a loaded machine may stall one of them.
    private const long SecondsTolerance = 3;

    public KeyFamily()
    {
        Add("del", 4, r => Cmd("DEL", r.Keys(1, 3)));
        Add("unlink", 1, r => Cmd("UNLINK", r.Keys(1, 3)));
        Add("exists", 3, r => Cmd("EXISTS", r.Keys(1, 4)));
        Add("touch", 1, r => Cmd("TOUCH", r.Keys(1, 3)));
        Add("type", 2, r => Cmd("TYPE", r.Key()));
        Add("expire", 4, r => WithOptions(r, ["EXPIRE", r.Key(), r.Ttl(milliseconds: false)], 2, ExpireOption));
        Add("pexpire", 2, r => WithOptions(r, ["PEXPIRE", r.Key(), r.Ttl(milliseconds: true)], 2, ExpireOption));
        Add("expireat", 2, r => WithOptions(r, ["EXPIREAT", r.Key(), r.UnixTime(milliseconds: false)], 2, ExpireOption));
        Add("pexpireat", 2, r => WithOptions(r, ["PEXPIREAT", r.Key(), r.UnixTime(milliseconds: true)], 2, ExpireOption));
        Add("ttl", 4, r => Cmd("TTL", r.Key()).With(ReplyMatch.Within(SecondsTolerance)));
        Add("pttl", 2, r => Cmd("PTTL", r.Key()).With(ReplyMatch.Within(SecondsTolerance * 1000)));
        Add("expiretime", 2, r => Cmd("EXPIRETIME", r.Key()).With(ReplyMatch.Within(SecondsTolerance)));
        Add("pexpiretime", 1, r => Cmd("PEXPIRETIME", r.Key()).With(ReplyMatch.Within(SecondsTolerance * 1000)));
        Add("persist", 2, r => Cmd("PERSIST", r.Key()));
        Add("keys", 2, r => Cmd("KEYS", r.Pattern()).With(ReplyMatch.Unordered));
        Add("scan", 2, Scan);
        Add("randomkey", 1, _ => Cmd("RANDOMKEY").With(ReplyMatch.SameShape));
        Add("rename", 2, r => Cmd("RENAME", r.Key(), r.Key()));
        Add("renamenx", 1, r => Cmd("RENAMENX", r.Key(), r.Key()));
        Add("copy", 2, r => WithOptions(r, ["COPY", r.Key(), r.Key()], 2, CopyOption));
        Add("move", 1, r => Cmd("MOVE", r.Key(), r.Database()));
        Add("select", 1, r => Cmd("SELECT", r.Database()));
        Add("swapdb", 1, r => Cmd("SWAPDB", r.Database(), r.Database()));
        Add("dbsize", 1, _ => Cmd("DBSIZE"));
        Add("flushdb", 1, _ => Cmd("FLUSHDB"));
        Add("dump", 1, r => Cmd("DUMP", r.Key()).With(ReplyMatch.Dump));
        Add("object", 2, Object);
    }

    public override int Weight => 3;

    private static object[] ExpireOption(CommandRandom r) => [r.Pick("NX", "XX", "GT", "LT", "nx", "FOO")];

    private static object[] CopyOption(CommandRandom r) => r.Next(3) switch
    {
        0 => ["DB", r.Database()],
        1 => ["REPLACE"],
        _ => [r.Pick("FOO", "db")],
    };

    /// <summary>SCAN with a COUNT large enough to finish in one call, so both servers return every match.</summary>
    private static DiffCommand Scan(CommandRandom r)
    {
        if (r.Next(8) == 0) return Cmd("SCAN", r.Pick("abc", "-1", "0"), "COUNT", r.Pick("0", "-1", "abc")).With(ReplyMatch.Scan);
        var parts = new List<object> { "SCAN", "0", "COUNT", "1000" };
        if (r.Chance(0.5)) parts.AddRange(["MATCH", r.Pattern()]);
        if (r.Chance(0.3)) parts.AddRange(["TYPE", r.Pick("string", "list", "hash", "nosuchtype")]);
        return Cmd(parts.ToArray()).With(ReplyMatch.Scan);
    }

    private static DiffCommand Object(CommandRandom r) => r.Next(6) switch
    {
        // Queued in MULTI, a value set from an argument shares that argument's object, which EXEC
        // still holds: Redis then counts 2. Outside MULTI it is 1, or INT_MAX for shared integers.
        0 => Cmd("OBJECT", "REFCOUNT", r.Key()).NotInMulti(),
        1 => Cmd("OBJECT", "FREQ", r.Key()),
        // By shape only: in Redis the integers 0-9999 are shared objects, whose idle time is that
        // of the last access to any key holding the same number (Vigil keeps it per key).
        2 => Cmd("OBJECT", "IDLETIME", r.Key()).With(ReplyMatch.SameShape),
        3 => Cmd("OBJECT", "HELP"),
        4 => Cmd("OBJECT", r.Pick("NOSUCH", "encoding"), r.Key()),
        _ => Cmd("OBJECT", "ENCODING", r.Key()),
    };
}
