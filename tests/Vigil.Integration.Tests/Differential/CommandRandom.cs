using System.Text;

namespace Vigil.Integration.Tests.Differential;

/// <summary>
/// The generators' only source of randomness (so a seed replays a sequence exactly), with the
/// domain's building blocks: a small key space so commands collide, values at encoding boundaries,
/// numbers that parse and numbers that don't, TTLs long enough never to run out during a run.
/// </summary>
public sealed class CommandRandom
{
    private static readonly string[] CommonKeys = ["k0", "k1", "k2", "k3", "k4", "k5"];
    private static readonly string[] OddKeys = ["", "{tag}k", "k\0\xff", "a b", "\r\n", new string('K', 300), "k0 "];

    private static readonly string[] ShortValues =
    [
        "", "v", "hello", "abc", "abcabc", "bcab", "ohmytext", "mynewtext", "x y", "caf\xe9", "\0\r\n\xff", "ab\\\"c",
        "0", "1", "-1", "42", "100", "007", "-0", " 5", "5 ", "+5", "0x10", "1e3", "3.14", "-2.5", "inf", "nan",
        "12345678901234567890", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        new string('e', 44), new string('r', 45), new string('n', 20),
    ];

    private static readonly string[] BadNumbers = ["abc", "", "1.5", " 1", "1 ", "0x10", "9223372036854775808", "1e3", "--1"];

    private readonly Random _random;

    public CommandRandom(int seed)
    {
        _random = new Random(seed);
    }

    public int Next(int maxExclusive) => _random.Next(maxExclusive);

    public int Between(int min, int maxInclusive) => _random.Next(min, maxInclusive + 1);

    public bool Chance(double probability) => _random.NextDouble() < probability;

    public T Pick<T>(params T[] items) => items[_random.Next(items.Length)];

    public byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Bytes of a text, one byte per char (Latin-1), so "\xff" is the byte 0xff.</summary>
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    public static byte[] Bytes(long value) => Bytes(value.ToString());

    public byte[] Key() => Bytes(Chance(0.93) ? Pick(CommonKeys) : Pick(OddKeys));

    public byte[][] Keys(int min, int max) => Several(min, max, r => r.Key());

    /// <summary>Between <paramref name="min"/> and <paramref name="max"/> picks of <paramref name="pick"/>.</summary>
    public byte[][] Several(int min, int max, Func<CommandRandom, byte[]> pick)
    {
        var picks = new byte[Between(min, max)][];
        for (int i = 0; i < picks.Length; i++) picks[i] = pick(this);
        return picks;
    }

    /// <summary>A value: mostly short strings and numbers at encoding boundaries, sometimes binary or long.</summary>
    public byte[] Value() => Next(20) switch
    {
        0 => RandomBytes(Between(1, 64)),
        1 => Bytes(new string((char)('a' + Next(26)), Between(100, 5000))),
        2 or 3 => Integer(),
        _ => Bytes(Pick(ShortValues)),
    };

    /// <summary>An integer argument: small, at the 64-bit edges, or (rarely) not an integer at all.</summary>
    public byte[] Integer() => Next(12) switch
    {
        0 => Bytes(Pick("9223372036854775807", "-9223372036854775808", "9223372036854775806", "-9223372036854775807")),
        1 => Bytes(Pick(BadNumbers)),
        2 => Bytes(Between(-100000, 100000)),
        _ => Bytes(Between(-5, 100)),
    };

    /// <summary>A float argument as strtold reads it, including forms Redis accepts (hex, exponents) and rejects.</summary>
    public byte[] Float() => Bytes(Next(10) switch
    {
        0 => Pick("inf", "-inf", "nan", "1e400", "abc", "", " 1.5", "1.5 ", "1,5"),
        1 => Pick("0x10", "1e10", "-1e-5", "5.0e3", "0.1", "1.7976931348623157e308", "3", "-0"),
        _ => (Between(-1000, 1000) / 10.0).ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    /// <summary>A relative TTL: valid ones are long enough not to run out during a run; some are invalid or huge.</summary>
    public byte[] Ttl(bool milliseconds) => Next(10) switch
    {
        0 => Bytes(Pick("0", "-1", "-100")),
        1 => Bytes(Pick(BadNumbers)),
        2 => Bytes(Pick("9223372036854775807", "9223372036854775", "4611686018427387")),
        _ => Bytes(Between(100, 100_000) * (milliseconds ? 1000L : 1)),
    };

    /// <summary>An absolute Unix time: far enough in the future, or in the past (the key goes at once), or invalid.</summary>
    public byte[] UnixTime(bool milliseconds)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        long seconds = Next(10) switch
        {
            0 => now - Between(1, 100_000),
            1 => Pick(0L, -1L, 1L),
            2 => long.MaxValue / 1000,
            _ => now + Between(1000, 100_000),
        };
        if (Next(20) == 0) return Bytes(Pick(BadNumbers));
        return Bytes(milliseconds && seconds < long.MaxValue / 1000 ? seconds * 1000 : seconds);
    }

    /// <summary>A database index for SELECT, MOVE, COPY DB: mostly 0-2 (the ones the tester flushes), sometimes out of range.</summary>
    public byte[] Database() => Bytes(Next(12) switch
    {
        0 => Pick("16", "-1", "abc", "100000000000"),
        _ => Between(0, 2).ToString(),
    });

    /// <summary>A glob pattern in Redis's syntax, matching some of the common keys.</summary>
    public byte[] Pattern() => Bytes(Pick("*", "k*", "k?", "k[0-2]", "k[^0]", "*1*", "[", "\\", "k\\1", "", "{tag}*", "*\\*", "k[a-", "?", "K*", "k[!1]"));
}
