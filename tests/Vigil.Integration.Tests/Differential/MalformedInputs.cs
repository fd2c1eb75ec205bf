using System.Text;

namespace Vigil.Integration.Tests.Differential;

/// <summary>
/// Bad input that ends a sequence: sent in one write, then the client half-closes and both servers'
/// whole output until they close is compared byte for byte (error text, commands answered before
/// the error, and a truncated request answered by nothing at all).
/// </summary>
public static class MalformedInputs
{
    public static byte[] Generate(CommandRandom r)
    {
        var input = new MemoryStream();
        // Sometimes valid commands first: they run, and their replies precede the error.
        for (int i = r.Next(3); i > 0; i--) input.Write(Infrastructure.RespConnection.Encode([CommandRandom.Bytes("SET"), r.Key(), r.Value()]));
        input.Write(Bad(r));
        return input.ToArray();
    }

    private static byte[] Bad(CommandRandom r) => r.Next(14) switch
    {
        0 => Text(r.Pick("*abc\r\n", "*1x\r\n", "*\r\n", "*-\r\n", "* 1\r\n", "*+1\r\n", "*01\r\n$4\r\nPING\r\n", "*2147483648\r\n", "*-2147483649\r\n")),
        1 => Text("*1\r\n" + r.Pick("$abc\r\n", "$-1\r\n", "$\r\n", "$536870913\r\n", "$2147483648\r\n", "$9223372036854775808\r\n", "$ 4\r\nPING\r\n", "$+4\r\nPING\r\n")),
        2 => Text("*2\r\n$3\r\nGET\r\n" + r.Pick("+x\r\n", ":1\r\n", "x\r\n", "*1\r\n", "\r\n", " $1\r\na\r\n")),
        3 => Text(r.Pick("*-1\r\n", "*0\r\n", "*-100\r\n", "\r\n", "\n", "  \r\n") + "*1\r\n$4\r\nPING\r\n"),
        4 => Text(r.Pick("SET k \"abc\r\n", "SET k 'abc\r\n", "SET k \"a\"b\r\n", "SET k 'a'b\r\n", "GET \"k\r\n", "ECHO \"\\x4g\"\r\n",
            "ECHO \"a\\\"b\" 'c\\'d'\r\n", "ECHO \"\\x41\\n\\t\\q\"\r\n", "ECHO \"\"\"\"\r\n", "ECHO ''\r\n", "PING\tx\r\n", "  PING  \r\n",
            "ECHO \"\\\"\r\n", "ECHO 'a\\\r\n", "ECHO \"\\x\"\r\n")),
        5 => Text(new string('a', r.Between(64 * 1024 + 1, 80 * 1024))),
        6 => Text("*" + new string('1', r.Between(64 * 1024 + 1, 70 * 1024))),
        7 => Text("*1\r\n$" + new string('1', r.Between(64 * 1024 + 1, 70 * 1024))),
        8 => Garbage(r),
        9 => Truncated(r),
        10 => Text(r.Pick("PING\0\r\n", "PI\0NG\r\n", "*1\0\r\n$4\r\nPING\r\n", "*1\r\n$4\0\r\nPING\r\n", "*1\r\n$4\r\nPI\0G\r\n", "\0\r\n")),
        11 => Text(r.Pick("*1\r\n$3\r\nPINGX\r\n", "*1\r\n$5\r\nPING\r\n\r\n", "*1\r\n$4\r\nPING", "*1\r\n$4\r\nPINGab*1\r\n$4\r\nPING\r\n")),
        12 => Text(r.Pick("$4\r\nPING\r\n", "+PING\r\n", ":1\r\n", "-ERR x\r\n", "PING\n", "PING\r\r\n", "PING\rPING\r\n")),
        _ => Text("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + r.Pick("1\r\nv\r\n", "1\r\nvv\r\n", "5\r\nv\r\n", "-5\r\n")),
    };

    private static byte[] Text(string s) => Encoding.Latin1.GetBytes(s);

    private static byte[] Garbage(CommandRandom r)
    {
        var bytes = r.RandomBytes(r.Between(1, 300));
        if (r.Chance(0.5)) bytes[0] = (byte)r.Pick('*', '$', '"', '\'');
        return bytes;
    }

    /// <summary>A valid request cut short: neither server answers it, both close on the half close.</summary>
    private static byte[] Truncated(CommandRandom r)
    {
        var whole = Infrastructure.RespConnection.Encode([CommandRandom.Bytes("SET"), r.Key(), r.Value()]);
        return whole[..r.Between(1, whole.Length - 1)];
    }
}
