using System.Text;
using Vigil.Integration.Tests.Differential;
using Vigil.Integration.Tests.Infrastructure;

namespace Vigil.Integration.Tests.Fuzz;

/// <summary>
/// Hostile client input: valid requests mutated (bit flips, cuts, splices), huge declared lengths,
/// binary garbage, inline lines with odd quoting. Never a command that would stop or reconfigure
/// the server under test, so that what the fuzz test proves is the protocol layer's robustness.
/// </summary>
public static class FuzzInputs
{
    // Commands that act on the whole server (or on other clients' databases) are left out.
    private static readonly string[] Forbidden = ["shutdown", "debug", "config", "replicaof", "slaveof", "client", "flush", "monitor", "sync", "failover", "save", "bgrewrite", "acl", "swapdb", "script", "function", "eval"];

    public static byte[] Next(CommandRandom r)
    {
        while (true)
        {
            var input = Candidate(r);
            if (IsHarmless(input)) return input;
        }
    }

    private static byte[] Candidate(CommandRandom r) => r.Next(8) switch
    {
        0 or 1 => Mutate(r, ValidRequests(r)),
        2 => HugeLength(r),
        3 => r.RandomBytes(r.Chance(0.9) ? r.Between(1, 512) : r.Between(1, 70_000)),
        4 => OddInline(r),
        5 => Cut(r, ValidRequests(r)),
        6 => Encoding.Latin1.GetBytes(string.Concat(Enumerable.Repeat(r.Pick("*", "$", "*1\r\n", "$1\r\n", "\r\n", "*-1\r\n", "\0", "\"", "'"), r.Between(1, 2000)))),
        _ => ValidRequests(r),
    };

    /// <summary>A few valid requests of the differential tester's families, multibulk or inline.</summary>
    public static byte[] ValidRequests(CommandRandom r)
    {
        var sequence = SequenceGenerator.Generate(r.Next(int.MaxValue), _ => true);
        var bytes = new MemoryStream();
        foreach (var write in sequence.Writes.Take(r.Between(1, 6))) bytes.Write(write.Encode());
        return bytes.ToArray();
    }

    private static byte[] Mutate(CommandRandom r, byte[] input)
    {
        var bytes = new List<byte>(input);
        for (int n = r.Between(1, 8); n > 0 && bytes.Count > 0; n--)
        {
            int at = r.Next(bytes.Count);
            switch (r.Next(5))
            {
                case 0: bytes[at] ^= (byte)(1 << r.Next(8)); break;
                case 1: bytes.RemoveAt(at); break;
                case 2: bytes.Insert(at, (byte)r.Pick('\r', '\n', '*', '$', '-', '0', '9', '"', '\\', 0, 0xff)); break;
                case 3: bytes.InsertRange(at, bytes.GetRange(at, Math.Min(bytes.Count - at, r.Between(1, 32)))); break;
                default: bytes[at] = (byte)r.Next(256); break;
            }
        }
        return bytes.ToArray();
    }

    private static byte[] Cut(CommandRandom r, byte[] input) => input.Length < 2 ? input : input[..r.Between(1, input.Length - 1)];

    /// <summary>Lengths that are too big, or valid but never followed by that much data.</summary>
    private static byte[] HugeLength(CommandRandom r)
    {
        string header = r.Next(6) switch
        {
            0 => $"*{r.Pick("2147483647", "2147483648", "9223372036854775807", "-9223372036854775808", "1048576", "99999999")}\r\n$3\r\nGET\r\n",
            1 => $"*1\r\n${r.Pick("536870912", "536870911", "536870913", "2147483647", "9223372036854775807", "18446744073709551616")}\r\n",
            2 => $"*2\r\n$3\r\nGET\r\n${r.Between(32 * 1024, 64 * 1024 * 1024)}\r\n",
            3 => "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + r.Pick("1000000", "100000000", "536870912") + "\r\n",
            4 => "*" + new string('9', r.Between(10, 70_000)),
            _ => "*1\r\n$" + new string('9', r.Between(10, 70_000)),
        };
        return Encoding.Latin1.GetBytes(header + new string('x', r.Between(0, 2000)));
    }

    /// <summary>Inline lines built from quotes, escapes and blanks in random order.</summary>
    private static byte[] OddInline(CommandRandom r)
    {
        var line = new StringBuilder(r.Pick("ECHO ", "SET k ", "GET ", "PING ", "EXISTS ", "\"", "'", ""));
        for (int i = r.Between(1, 40); i > 0; i--)
        {
            line.Append(r.Pick("\"", "'", "\\", "\\x", "\\x4", "\\x41", "\\\"", "\\'", " ", "\t", "a", "\"\"", "''", "\\n", "\xff", "\0", "\r"));
        }
        line.Append(r.Pick("\r\n", "\n", "", "\r"));
        return Encoding.Latin1.GetBytes(line.ToString());
    }

    private static bool IsHarmless(byte[] input)
    {
        var text = Encoding.Latin1.GetString(input).ToLowerInvariant();
        return !Forbidden.Any(text.Contains);
    }

    /// <summary>Splits <paramref name="input"/> into 1-5 writes at random points.</summary>
    public static IEnumerable<byte[]> Chunks(CommandRandom r, byte[] input)
    {
        int pieces = Math.Min(r.Between(1, 5), Math.Max(1, input.Length));
        var cuts = Enumerable.Range(0, pieces - 1).Select(_ => r.Between(1, Math.Max(1, input.Length - 1))).Distinct().Order().ToList();
        int start = 0;
        foreach (int cut in cuts.Append(input.Length))
        {
            if (cut <= start) continue;
            yield return input[start..cut];
            start = cut;
        }
    }

    /// <summary>One command, encoded, for the well-behaved client.</summary>
    public static byte[] Request(params string[] args) => RespConnection.Encode(args.Select(CommandRandom.Bytes).ToArray());
}
