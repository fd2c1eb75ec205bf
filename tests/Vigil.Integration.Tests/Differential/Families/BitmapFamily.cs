namespace Vigil.Integration.Tests.Differential.Families;

/// <summary>
/// Bitmap commands (bitops.c) on the shared keys, so they also meet strings written by other
/// families and other types (WRONGTYPE). Offsets stay small enough to keep strings short, with the
/// out-of-range and malformed ones Redis refuses; BITFIELD mixes every type width, #n offsets and
/// all three OVERFLOW modes, with values at the edges where they wrap, saturate or fail.
/// </summary>
public sealed class BitmapFamily : CommandFamily
{
    private static readonly string[] BadOffsets = ["-1", "4294967296", "abc", "1.5", "", "9223372036854775807"];
    private static readonly string[] Types = ["u1", "i1", "u4", "i5", "u8", "i8", "u16", "i16", "u31", "i32", "u63", "i63", "i64"];
    private static readonly string[] BadTypes = ["u64", "i65", "i0", "u0", "x8", "u", "8", "U8", "I8"];

    public BitmapFamily()
    {
        Add("setbit", 8, r => Cmd("SETBIT", r.Key(), Offset(r), r.Next(15) == 0 ? r.Pick("2", "-1", "x", "") : r.Pick("0", "1")));
        Add("getbit", 4, r => Cmd("GETBIT", r.Key(), Offset(r)));
        Add("bitcount", 4, BitCount);
        Add("bitpos", 4, BitPos);
        Add("bitop", 3, BitOp);
        Add("bitfield", 6, r => BitField(r, "BITFIELD", readOnly: false));
        Add("bitfield_ro", 2, r => BitField(r, "BITFIELD_RO", readOnly: r.Next(6) != 0));
    }

    public override int Weight => 2;

    private static object Offset(CommandRandom r) => r.Next(15) switch
    {
        0 => r.Pick(BadOffsets),
        1 => "100000",
        _ => r.Between(0, 80),
    };

    /// <summary>A byte or bit index, negative ones counted from the end.</summary>
    private static object Index(CommandRandom r) => r.Next(12) switch
    {
        0 => r.Pick("x", "9223372036854775807", "-9223372036854775808", "1.5"),
        _ => r.Between(-12, 12),
    };

    private static DiffCommand BitCount(CommandRandom r) => r.Next(5) switch
    {
        0 => Cmd("BITCOUNT", r.Key()),
        1 => Cmd("BITCOUNT", r.Key(), Index(r)),
        2 => Cmd("BITCOUNT", r.Key(), Index(r), Index(r)),
        _ => Cmd("BITCOUNT", r.Key(), Index(r), Index(r), r.Pick("BYTE", "BIT", "bit", "FOO")),
    };

    private static DiffCommand BitPos(CommandRandom r)
    {
        object bit = r.Next(12) == 0 ? r.Pick("2", "-1", "x") : r.Pick("0", "1");
        return r.Next(5) switch
        {
            0 => Cmd("BITPOS", r.Key(), bit),
            1 => Cmd("BITPOS", r.Key(), bit, Index(r)),
            2 => Cmd("BITPOS", r.Key(), bit, Index(r), Index(r)),
            _ => Cmd("BITPOS", r.Key(), bit, Index(r), Index(r), r.Pick("BYTE", "BIT", "byte", "FOO")),
        };
    }

    private static DiffCommand BitOp(CommandRandom r)
    {
        string op = r.Next(12) == 0 ? r.Pick("NAND", "") : r.Pick("AND", "OR", "XOR", "NOT", "and", "not");
        var keys = op.Equals("not", StringComparison.OrdinalIgnoreCase) && r.Chance(0.8) ? r.Keys(1, 1) : r.Keys(1, 3);
        return Cmd("BITOP", op, r.Key(), keys);
    }

    /// <summary>BITFIELD key subcommands...: GET/SET/INCRBY with OVERFLOW WRAP|SAT|FAIL in between.</summary>
    private static DiffCommand BitField(CommandRandom r, string name, bool readOnly)
    {
        var parts = new List<object> { name, r.Key() };
        int operations = r.Between(0, 4);
        for (int i = 0; i < operations; i++)
        {
            int roll = readOnly ? 0 : r.Next(10);
            if (roll < 3) parts.AddRange(["GET", Type(r), FieldOffset(r)]);
            else if (roll < 5) parts.AddRange(["SET", Type(r), FieldOffset(r), FieldValue(r)]);
            else if (roll < 8) parts.AddRange(["INCRBY", Type(r), FieldOffset(r), FieldValue(r)]);
            else if (roll < 9) parts.AddRange(["OVERFLOW", r.Next(10) == 0 ? r.Pick("SATURATE", "") : r.Pick("WRAP", "SAT", "FAIL", "fail")]);
            else parts.Add(r.Pick("GET", "SET", "INCRBY", "OVERFLOW", "FOO"));
        }
        return Cmd(parts.ToArray());
    }

    private static string Type(CommandRandom r) => r.Next(12) == 0 ? r.Pick(BadTypes) : r.Pick(Types);

    private static object FieldOffset(CommandRandom r) => r.Next(10) switch
    {
        0 => r.Pick("-1", "x", "#x", "4294967296", "#-1", "#"),
        1 or 2 or 3 => "#" + r.Between(0, 6),
        _ => r.Between(0, 70),
    };

    private static object FieldValue(CommandRandom r) => r.Next(10) switch
    {
        0 => r.Pick("x", "1.5", "", "9223372036854775808"),
        1 => r.Pick("9223372036854775807", "-9223372036854775808", "4294967295", "-2147483648", "2147483647"),
        2 => r.Pick("127", "128", "-128", "-129", "255", "256", "15", "16", "-16", "-17"),
        _ => r.Between(-20, 20),
    };
}
