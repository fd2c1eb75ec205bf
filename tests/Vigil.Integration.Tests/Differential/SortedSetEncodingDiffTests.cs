namespace Vigil.Integration.Tests.Differential;

/// <summary>
/// OBJECT ENCODING of sorted sets next to redis-server 7.0 while zset-max-listpack-entries/value
/// (and their ziplist aliases) change: where ZADD, ZINCRBY and each STORE command pick listpack or
/// skiplist, and that sets never convert back on removal. Its own servers, since it changes config.
/// </summary>
public sealed class SortedSetEncodingDiffTests
{
    /// <summary>CONFIG GET with a glob lists pairs in Redis's dict order.</summary>
    private static readonly ReplyMatch ConfigGetOrder = ReplyMatch.UnorderedPairs;

    [Fact]
    public void EncodingsFollowTheThresholds_AsRedisDoes()
    {
        var commands = new List<string[]>
        {
            new[] { "CONFIG", "GET", "zset-max-*" },
            new[] { "CONFIG", "SET", "zset-max-listpack-entries", "2", "zset-max-listpack-value", "5" },
        };
        void Add(params string[] args) => commands.Add(args);
        void Encoding(string key) => Add("OBJECT", "ENCODING", key);
        Add("ZADD", "z", "1", "a", "2", "b");
        Encoding("z");
        Add("ZADD", "z", "3", "c");
        Encoding("z");
        Add("ZREM", "z", "a", "b");
        Encoding("z");
        Add("ZADD", "y", "1", "abcde");
        Encoding("y");
        Add("ZADD", "y", "1", "abcdef");
        Encoding("y");
        Add("ZINCRBY", "w", "1", "abcdef");
        Encoding("w");
        Add("ZRANGESTORE", "d", "z", "0", "-1");
        Encoding("d");
        Add("ZUNIONSTORE", "u", "2", "y", "w");
        Encoding("u");
        Add("ZINTERSTORE", "i", "2", "y", "w");
        Encoding("i");
        Add("ZDIFFSTORE", "df", "1", "y");
        Encoding("df");
        Add("ZUNIONSTORE", "small", "1", "z");
        Encoding("small");
        Add("COPY", "z", "zc");
        Encoding("zc");
        Add("CONFIG", "SET", "zset-max-ziplist-entries", "0");
        Add("CONFIG", "GET", "zset-max-listpack-entries");
        Add("ZADD", "e", "1", "a");
        Encoding("e");
        Add("CONFIG", "SET", "zset-max-listpack-entries", "128", "zset-max-ziplist-value", "0");
        Add("ZADD", "v", "1", "a");
        Encoding("v");
        Add("CONFIG", "SET", "zset-max-listpack-entries", "-1");
        Add("CONFIG", "SET", "zset-max-listpack-value", "abc");
        Add("CONFIG", "SET", "zset-max-listpack-value", "64");
        // The defaults: 128 members of at most 64 bytes.
        var members = new List<string> { "ZADD", "big" };
        for (int i = 0; i < 128; i++) members.AddRange([i.ToString(), "m" + i]);
        commands.Add(members.ToArray());
        Encoding("big");
        Add("ZADD", "big", "1", "one-more");
        Encoding("big");
        Add("ZRANGESTORE", "top", "big", "0", "127");
        Encoding("top");
        Add("ZADD", "long", "1", new string('x', 64));
        Encoding("long");
        Add("ZADD", "long", "1", new string('x', 65));
        Encoding("long");

        var sequence = new DiffSequence(
            [new DiffWrite(commands.Select(c => new DiffCommand(c.Select(CommandRandom.Bytes).ToArray(), c[1] == "GET" ? ConfigGetOrder : ReplyMatch.Exact)).ToList(), Inline: false)],
            FinalInput: null);
        using var runner = new DiffRunner();
        var divergence = runner.Run(sequence);
        Assert.True(divergence == null, $"{sequence.Describe()}{divergence}");
    }
}
