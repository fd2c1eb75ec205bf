namespace Vigil.Integration.Tests.Differential.Families;

/// <summary>String commands (t_string.c): every option, number edge and error path.</summary>
public sealed class StringFamily : CommandFamily
{
    public StringFamily()
    {
        Add("set", 12, r => WithOptions(r, ["SET", r.Key(), r.Value()], 3, SetOption));
        Add("get", 10, r => Cmd("GET", r.Key()));
        Add("setnx", 2, r => Cmd("SETNX", r.Key(), r.Value()));
        Add("setex", 2, r => Cmd("SETEX", r.Key(), r.Ttl(milliseconds: false), r.Value()));
        Add("psetex", 2, r => Cmd("PSETEX", r.Key(), r.Ttl(milliseconds: true), r.Value()));
        Add("getset", 2, r => Cmd("GETSET", r.Key(), r.Value()));
        Add("getdel", 2, r => Cmd("GETDEL", r.Key()));
        Add("getex", 3, r => WithOptions(r, ["GETEX", r.Key()], 2, GetExOption));
        Add("mget", 3, r => Cmd("MGET", r.Keys(1, 5)));
        Add("mset", 3, r => Cmd("MSET", Pairs(r)));
        Add("msetnx", 2, r => Cmd("MSETNX", Pairs(r)));
        Add("append", 3, r => Cmd("APPEND", r.Key(), r.Value()));
        Add("strlen", 2, r => Cmd("STRLEN", r.Key()));
        Add("incr", 4, r => Cmd("INCR", r.Key()));
        Add("decr", 2, r => Cmd("DECR", r.Key()));
        Add("incrby", 3, r => Cmd("INCRBY", r.Key(), r.Integer()));
        Add("decrby", 2, r => Cmd("DECRBY", r.Key(), r.Integer()));
        Add("incrbyfloat", 3, r => Cmd("INCRBYFLOAT", r.Key(), r.Float()));
        Add("getrange", 2, r => Cmd("GETRANGE", r.Key(), Index(r), Index(r)));
        Add("substr", 1, r => Cmd("SUBSTR", r.Key(), Index(r), Index(r)));
        Add("setrange", 2, r => Cmd("SETRANGE", r.Key(), Offset(r), r.Value()));
        Add("lcs", 2, r => WithOptions(r, ["LCS", r.Key(), r.Key()], 3, LcsOption));
        Add("object", 2, r => Cmd("OBJECT", "ENCODING", r.Key()));
    }

    public override int Weight => 4;

    private static object[] SetOption(CommandRandom r) => r.Next(9) switch
    {
        0 => ["NX"],
        1 => ["XX"],
        2 => ["GET"],
        3 => ["KEEPTTL"],
        4 => ["EX", r.Ttl(milliseconds: false)],
        5 => ["PX", r.Ttl(milliseconds: true)],
        6 => ["EXAT", r.UnixTime(milliseconds: false)],
        7 => ["PXAT", r.UnixTime(milliseconds: true)],
        _ => [r.Pick("ex", "FOO", "PERSIST", "nx")],
    };

    private static object[] GetExOption(CommandRandom r) => r.Next(6) switch
    {
        0 => ["EX", r.Ttl(milliseconds: false)],
        1 => ["PX", r.Ttl(milliseconds: true)],
        2 => ["EXAT", r.UnixTime(milliseconds: false)],
        3 => ["PXAT", r.UnixTime(milliseconds: true)],
        4 => ["PERSIST"],
        _ => [r.Pick("KEEPTTL", "FOO", "ex")],
    };

    private static object[] LcsOption(CommandRandom r) => r.Next(5) switch
    {
        0 => ["LEN"],
        1 => ["IDX"],
        2 => ["MINMATCHLEN", r.Pick("0", "1", "2", "4", "-1", "abc")],
        3 => ["WITHMATCHLEN"],
        _ => ["FOO"],
    };

    /// <summary>Key/value pairs; now and then one argument short (an arity error).</summary>
    private static byte[][] Pairs(CommandRandom r)
    {
        var args = new List<byte[]>();
        int pairs = r.Between(1, 4);
        for (int i = 0; i < pairs; i++)
        {
            args.Add(r.Key());
            args.Add(r.Value());
        }
        if (r.Chance(0.08)) args.RemoveAt(args.Count - 1);
        return args.ToArray();
    }

    private static object Index(CommandRandom r) => r.Next(10) switch
    {
        0 => r.Pick("9223372036854775807", "-9223372036854775808", "abc", "1.5"),
        _ => r.Between(-12, 12),
    };

    // Offsets past 512 MB are rejected; large valid ones are avoided, since both servers would allocate them.
    private static object Offset(CommandRandom r) => r.Next(12) switch
    {
        0 => r.Pick("-1", "abc", "536870912", "9223372036854775807"),
        1 => r.Between(100, 4000),
        _ => r.Between(0, 20),
    };
}
