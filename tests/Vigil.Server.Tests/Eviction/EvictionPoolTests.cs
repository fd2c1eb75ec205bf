using System.Text;
using Vigil.Server.Eviction;

namespace Vigil.Server.Tests.Eviction;

/// <summary>The eviction pool keeps the best 16 candidates in order, as evictionPoolPopulate.</summary>
public class EvictionPoolTests
{
    private static byte[] Key(int i) => Encoding.ASCII.GetBytes("k" + i);

    private static List<string> Drain(EvictionPool pool)
    {
        var order = new List<string>();
        while (pool.TryTakeBest(out var key, out _, out _)) order.Add(Encoding.ASCII.GetString(key));
        return order;
    }

    [Fact]
    public void TakesCandidates_BestScoreFirst()
    {
        var pool = new EvictionPool();
        foreach (int score in new[] { 5, 1, 9, 3, 7 }) pool.Offer(Key(score), (uint)score, 0, (ulong)score);
        Assert.Equal(["k9", "k7", "k5", "k3", "k1"], Drain(pool));
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void WhenFull_KeepsTheBest16()
    {
        var pool = new EvictionPool();
        var random = new Random(3);
        var scores = Enumerable.Range(0, 100).OrderBy(_ => random.Next()).ToList();
        foreach (int score in scores) pool.Offer(Key(score), 0, 0, (ulong)score);
        Assert.Equal(EvictionPool.Size, pool.Count);
        Assert.Equal(Enumerable.Range(84, 16).Reverse().Select(i => "k" + i), Drain(pool));
    }

    [Fact]
    public void WhenFull_RefusesAWorseCandidate_AndKeepsTheDatabase()
    {
        var pool = new EvictionPool();
        for (int i = 10; i < 26; i++) pool.Offer(Key(i), 0, 3, (ulong)i);
        pool.Offer(Key(1), 0, 3, 1);
        pool.Offer(Key(100), 42, 7, 100);
        Assert.True(pool.TryTakeBest(out var key, out uint hash, out int db));
        Assert.Equal(("k100", 42u, 7), (Encoding.ASCII.GetString(key), hash, db));
        Assert.DoesNotContain("k1", Drain(pool));
    }
}
