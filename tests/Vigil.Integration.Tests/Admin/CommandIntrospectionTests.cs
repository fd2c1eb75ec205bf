using System.Text;
using Vigil.Integration.Tests.Infrastructure;
using Vigil.Protocol;

namespace Vigil.Integration.Tests.Admin;

/// <summary>COMMAND INFO, DOCS, GETKEYS and GETKEYSANDFLAGS compared byte for byte with redis-server 7.0.15.</summary>
public class CommandIntrospectionTests(ServerPair pair) : IClassFixture<ServerPair>
{
    private static byte[] CallRaw(RespConnection connection, params string[] args)
    {
        connection.Send(args);
        return connection.ReadRaw(out _);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public void InfoAndDocs_OfEveryCommandBothHave_AreRedis(string protocol)
    {
        using var redis = new RespConnection(pair.Redis.Port);
        using var vigil = new RespConnection(pair.Vigil.Port);
        redis.Call("HELLO", protocol);
        vigil.Call("HELLO", protocol);
        var redisNames = redis.Call("COMMAND", "LIST").Items!.Select(i => i.Text!).ToHashSet();
        var vigilNames = vigil.Call("COMMAND", "LIST").Items!.Select(i => i.Text!).ToList();
        // Containers list only the subcommands Vigil has, so they are compared one subcommand at a time.
        var leaves = vigilNames.Where(n => redisNames.Contains(n) && !vigilNames.Any(other => other.StartsWith(n + "|", StringComparison.Ordinal))).ToList();
        Assert.True(leaves.Count > 150, $"only {leaves.Count} commands to compare");
        var differences = new List<string>();
        foreach (var name in leaves)
        {
            foreach (var sub in new[] { "INFO", "DOCS" })
            {
                var expected = CallRaw(redis, "COMMAND", sub, name);
                var actual = CallRaw(vigil, "COMMAND", sub, name);
                if (!expected.AsSpan().SequenceEqual(actual)) differences.Add($"COMMAND {sub} {name}:\n{Encoding.UTF8.GetString(expected)}\nvs\n{Encoding.UTF8.GetString(actual)}");
            }
        }
        Assert.True(differences.Count == 0, string.Join("\n\n", differences.Take(3)));
    }

    [Fact]
    public void Docs_OfAContainer_ListsTheSubcommandsVigilHas_WithRedisText()
    {
        using var vigil = new RespConnection(pair.Vigil.Port);
        var docs = vigil.Call("COMMAND", "DOCS", "config").Items![1].Items!;
        Assert.Equal(["summary", "A container for server configuration commands", "since", "2.0.0", "group", "server", "complexity", "Depends on subcommand.", "subcommands"],
            docs.Take(9).Select(i => i.Text));
        var subcommands = docs[9].Items!.Where((_, i) => i % 2 == 0).Select(i => i.Text).Order();
        Assert.Equal(["config|get", "config|help", "config|resetstat", "config|rewrite", "config|set"], subcommands);
    }

    [Theory]
    [InlineData("GETKEYS", "get a")]
    [InlineData("GETKEYS", "get")]
    [InlineData("GETKEYS", "nosuchcommand a")]
    [InlineData("GETKEYS", "ping")]
    [InlineData("GETKEYS", "config get a")]
    [InlineData("GETKEYS", "object encoding k")]
    [InlineData("GETKEYS", "memory usage k")]
    [InlineData("GETKEYS", "mset a b c d")]
    [InlineData("GETKEYS", "mset a b c")]
    [InlineData("GETKEYS", "mset a")]
    [InlineData("GETKEYS", "zunionstore d 2 a b")]
    [InlineData("GETKEYS", "zunionstore d 0 a")]
    [InlineData("GETKEYS", "zunionstore d x a")]
    [InlineData("GETKEYS", "zunionstore d 5 a")]
    [InlineData("GETKEYS", "zunion 2 a b")]
    [InlineData("GETKEYS", "lmpop 2 a b left")]
    [InlineData("GETKEYS", "lmpop 5 a b left")]
    [InlineData("GETKEYS", "blmpop 0 2 a b left")]
    [InlineData("GETKEYS", "ssubscribe a")]
    [InlineData("GETKEYS", "spublish a b")]
    [InlineData("GETKEYS", "pfdebug getreg k")]
    [InlineData("GETKEYSANDFLAGS", "set a b")]
    [InlineData("GETKEYSANDFLAGS", "set a b get")]
    [InlineData("GETKEYSANDFLAGS", "set a b ex 1")]
    [InlineData("GETKEYSANDFLAGS", "bitfield a get u8 0")]
    [InlineData("GETKEYSANDFLAGS", "bitfield a get u8")]
    [InlineData("GETKEYSANDFLAGS", "bitfield a overflow sat get u8 0")]
    [InlineData("GETKEYSANDFLAGS", "bitfield a set u8 0 1")]
    [InlineData("GETKEYSANDFLAGS", "bitfield_ro a get u8 0")]
    [InlineData("GETKEYSANDFLAGS", "lmove a b left right")]
    [InlineData("GETKEYSANDFLAGS", "del a b")]
    [InlineData("GETKEYSANDFLAGS", "zunionstore d 2 a b")]
    [InlineData("GETKEYSANDFLAGS", "rename a b")]
    [InlineData("GETKEYSANDFLAGS", "sintercard 2 a b limit 1")]
    [InlineData("GETKEYSANDFLAGS", "restore k 0 x")]
    [InlineData("GETKEYSANDFLAGS", "pfmerge a b c")]
    [InlineData("GETKEYSANDFLAGS", "blpop a b 0")]
    [InlineData("GETKEYSANDFLAGS", "zrangestore d s 0 1")]
    [InlineData("GETKEYSANDFLAGS", "getex a")]
    public void GetKeys_FindsTheKeysAndFlagsRedisFinds(string subcommand, string commandLine)
    {
        using var redis = new RespConnection(pair.Redis.Port);
        using var vigil = new RespConnection(pair.Vigil.Port);
        foreach (var protocol in new[] { "2", "3" })
        {
            redis.Call("HELLO", protocol);
            vigil.Call("HELLO", protocol);
            string[] args = ["COMMAND", subcommand, .. commandLine.Split(' ')];
            Assert.Equal(Encoding.UTF8.GetString(CallRaw(redis, args)), Encoding.UTF8.GetString(CallRaw(vigil, args)));
        }
    }
}
