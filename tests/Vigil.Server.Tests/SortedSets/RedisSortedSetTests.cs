using System.Text;
using Vigil.Server.Storage;

namespace Vigil.Server.Tests.SortedSets;

/// <summary>The skiplist against a plain sorted list: ranks, ranges, removals, score moves, clones, conversions.</summary>
public class RedisSortedSetTests
{
    private static readonly EncodingLimits Limits = EncodingLimits.Default;

    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    private static int Compare((double Score, string Member) a, (double Score, string Member) b)
    {
        int c = a.Score.CompareTo(b.Score);
        return c != 0 ? c : string.CompareOrdinal(a.Member, b.Member);
    }

    private static void AssertSame(List<(double Score, string Member)> model, RedisSortedSet set)
    {
        model.Sort(Compare);
        Assert.Equal(model.Count, set.Count);
        int rank = 0;
        for (var node = set.First; node != null; node = node.Next, rank++)
        {
            Assert.Equal(model[rank].Member, Encoding.Latin1.GetString(node.Member));
            Assert.Equal(model[rank].Score, node.Score);
        }
        Assert.Equal(model.Count, rank);
        // Walking back, and every rank both ways (spans are right).
        rank = model.Count - 1;
        for (var node = set.Last; node != null; node = node.Previous, rank--)
        {
            Assert.Equal(model[rank].Member, Encoding.Latin1.GetString(node.Member));
        }
        for (int i = 0; i < model.Count; i++)
        {
            var node = set.ByRank(i)!;
            Assert.Equal(model[i].Member, Encoding.Latin1.GetString(node.Member));
            Assert.Equal(i, set.RankOf(node));
            Assert.Same(node, set.Find(node.Member));
        }
        Assert.Null(set.ByRank(model.Count));
    }

    [Theory]
    [InlineData(128)]
    [InlineData(0)]
    public void RandomOperations_KeepOrderRanksAndSpans(long listpackEntries)
    {
        var limits = Limits with { ZsetMaxListpackEntries = listpackEntries };
        var random = new Random(12345);
        var set = RedisSortedSet.Create(limits, 1);
        var model = new List<(double Score, string Member)>();
        bool outgrew = listpackEntries == 0;
        for (int step = 0; step < 3000; step++)
        {
            outgrew |= model.Count > listpackEntries;
            string member = "m" + random.Next(400);
            double score = random.Next(50) / 4.0;
            int op = random.Next(10);
            int index = model.FindIndex(e => e.Member == member);
            if (op < 6)
            {
                var outcome = set.Add(B(member), score, op == 0 ? ZAddFlags.Incr : ZAddFlags.None, limits, out double newScore);
                if (index < 0)
                {
                    Assert.Equal(ZAddOutcome.Added, outcome);
                    model.Add((score, member));
                }
                else
                {
                    double expected = op == 0 ? model[index].Score + score : score;
                    Assert.Equal(expected == model[index].Score ? ZAddOutcome.Unchanged : ZAddOutcome.Updated, outcome);
                    Assert.Equal(expected, newScore);
                    model[index] = (expected, member);
                }
            }
            else if (op < 8)
            {
                Assert.Equal(index >= 0, set.Remove(B(member)));
                if (index >= 0) model.RemoveAt(index);
            }
            else if (op == 8 && model.Count > 0)
            {
                model.Sort(Compare);
                int start = random.Next(model.Count), end = start + random.Next(5);
                long removed = set.RemoveRange(start, end);
                int expected = Math.Min(end, model.Count - 1) - start + 1;
                Assert.Equal(expected, removed);
                model.RemoveRange(start, expected);
            }
            else if (step % 97 == 0)
            {
                AssertSame(model, set);
            }
        }
        AssertSame(model, set);
        // Once a skiplist, always a skiplist (until a store command builds a new set).
        Assert.Equal(outgrew || model.Count > listpackEntries, !set.IsListpack);

        var copy = (RedisSortedSet)set.Clone();
        AssertSame(model, copy);
        set.Add(B("only-in-original"), 1, ZAddFlags.None, limits, out _);
        AssertSame(model, copy);
        copy.Add(B("only-in-copy"), -1, ZAddFlags.None, limits, out _);
        model.Add((-1, "only-in-copy"));
        AssertSame(model, copy);
    }

    [Fact]
    public void LargeSet_KeepsOrderRanksAndRangesThroughSplitsAndMerges()
    {
        // Enough members for three levels of branches, then removals that empty and merge pages.
        var random = new Random(2026);
        var set = RedisSortedSet.CreateSkiplist();
        var model = new SortedSet<(double Score, string Member)>(Comparer<(double Score, string Member)>.Create(Compare));
        var scores = new Dictionary<string, double>();
        for (int step = 0; step < 60_000; step++)
        {
            string member = "member:" + random.Next(300_000);
            double score = random.Next(2000);
            set.Add(B(member), score, ZAddFlags.None, Limits, out _);
            if (scores.TryGetValue(member, out double old)) model.Remove((old, member));
            scores[member] = score;
            model.Add((score, member));
        }
        AssertLarge(model, set, random);

        // Score changes that keep or change the place, then a wide band of removals.
        foreach (var member in scores.Keys.Take(20_000).ToList())
        {
            double score = scores[member] + (random.Next(2) == 0 ? 0.001 : random.Next(-500, 500));
            set.Add(B(member), score, ZAddFlags.None, Limits, out _);
            model.Remove((scores[member], member));
            scores[member] = score;
            model.Add((score, member));
        }
        AssertLarge(model, set, random);
        int from = model.Count / 5, count = model.Count / 2;
        Assert.Equal(count, set.RemoveRange(from, from + count - 1));
        foreach (var element in model.Skip(from).Take(count).ToList()) model.Remove(element);
        foreach (var member in scores.Keys.Where((_, i) => i % 3 == 0).ToList())
        {
            bool present = model.Remove((scores[member], member));
            Assert.Equal(present, set.Remove(B(member)));
        }
        AssertLarge(model, set, random);
        Assert.Equal(model.Count, set.RemoveRange(0, model.Count));
        Assert.Null(set.First);
        Assert.Null(set.Last);
    }

    private static void AssertLarge(SortedSet<(double Score, string Member)> model, RedisSortedSet set, Random random)
    {
        var ordered = model.ToList();
        Assert.Equal(ordered.Count, set.Count);
        int rank = 0;
        for (var node = set.First; node != null; node = node.Next, rank++)
        {
            Assert.Equal(ordered[rank].Member, Encoding.Latin1.GetString(node.Member));
            Assert.Equal(ordered[rank].Score, node.Score);
            Assert.Same(node.Next == null ? null : node, node.Next?.Previous);
        }
        Assert.Equal(ordered.Count, rank);
        Assert.Same(set.Last, set.ByRank(ordered.Count - 1));
        for (int i = 0; i < 2000; i++)
        {
            int at = random.Next(ordered.Count);
            var node = set.ByRank(at)!;
            Assert.Equal(ordered[at].Member, Encoding.Latin1.GetString(node.Member));
            Assert.Equal(at, set.RankOf(node));

            double low = random.Next(-600, 2600), high = low + random.Next(0, 40);
            var range = new ScoreRange(low, high, random.Next(2) == 0, random.Next(2) == 0);
            int first = ordered.FindIndex(e => range.MinExclusive ? e.Score > low : e.Score >= low);
            int last = ordered.FindLastIndex(e => range.MaxExclusive ? e.Score < high : e.Score <= high);
            bool any = first >= 0 && last >= first;
            var firstNode = set.FirstInRange(range, out long firstRank);
            var lastNode = set.LastInRange(range, out long lastRank);
            Assert.Equal(any, firstNode != null);
            Assert.Equal(any, lastNode != null);
            if (!any) continue;
            Assert.Equal((first, last), (firstRank, lastRank));
            Assert.Equal(ordered[first].Member, Encoding.Latin1.GetString(firstNode!.Member));
            Assert.Equal(ordered[last].Member, Encoding.Latin1.GetString(lastNode!.Member));
        }
    }

    [Fact]
    public void ScoreAndLexRanges_FindTheirEnds()
    {
        var set = new RedisSortedSet();
        foreach (var (score, member) in new[] { (1.0, "a"), (2.0, "b"), (2.0, "c"), (3.0, "d"), (5.0, "e") })
            set.Add(B(member), score, ZAddFlags.None, Limits, out _);

        Assert.True(ScoreRange.TryParse(B("(1"), B("3"), out var range));
        Assert.Equal("b", Encoding.Latin1.GetString(set.FirstInRange(range, out long first)!.Member));
        Assert.Equal("d", Encoding.Latin1.GetString(set.LastInRange(range, out long last)!.Member));
        Assert.Equal((1, 3), (first, last));
        Assert.True(ScoreRange.TryParse(B("(3"), B("(5"), out range));
        Assert.Null(set.FirstInRange(range, out _));
        Assert.True(ScoreRange.TryParse(B("-inf"), B("+inf"), out range));
        Assert.Equal(4, set.LastInRange(range, out last)!.Score == 5 ? last : -1);

        var lex = new RedisSortedSet();
        foreach (var member in new[] { "a", "ab", "b", "ba", "c" }) lex.Add(B(member), 0, ZAddFlags.None, Limits, out _);
        Assert.True(LexRange.TryParse(B("(a"), B("[ba"), out var lexRange));
        Assert.Equal("ab", Encoding.Latin1.GetString(lex.FirstInRange(lexRange, out first)!.Member));
        Assert.Equal("ba", Encoding.Latin1.GetString(lex.LastInRange(lexRange, out last)!.Member));
        Assert.Equal((1, 3), (first, last));
        Assert.True(LexRange.TryParse(B("-"), B("+"), out lexRange));
        Assert.Equal(0, lex.FirstInRange(lexRange, out first) != null ? first : -1);
        Assert.True(LexRange.TryParse(B("+"), B("-"), out lexRange));
        Assert.True(lexRange.IsEmpty);
        Assert.False(LexRange.TryParse(B("a"), B("+"), out _));
        Assert.False(LexRange.TryParse(B(""), B("+"), out _));
        Assert.False(LexRange.TryParse(B("+x"), B("+"), out _));
        Assert.True(LexRange.TryParse(B("-\0x"), B("+"), out _));
    }

    [Theory]
    [InlineData("1", "2", true)]
    [InlineData(" 1", "2", true)]
    [InlineData("\t(1", "2", false)]
    [InlineData("(1", "(2", true)]
    [InlineData("", "(", true)]
    [InlineData("0x10", "1e500", true)]
    [InlineData("-inf", "+Infinity", true)]
    [InlineData("1\0garbage", "2", true)]
    [InlineData("1 ", "2", false)]
    [InlineData("1e", "2", false)]
    [InlineData(".", "2", false)]
    [InlineData("nan", "2", false)]
    [InlineData("(", "nan(1)", false)]
    public void ScoreRangeBounds_AreReadAsStrtodReadsThem(string min, string max, bool valid)
    {
        Assert.Equal(valid, ScoreRange.TryParse(B(min), B(max), out _));
    }

    [Fact]
    public void Encoding_FollowsTheListpackLimits_AndNegativeZeroBecomesZeroInAListpack()
    {
        var limits = Limits with { ZsetMaxListpackEntries = 3, ZsetMaxListpackValue = 5 };
        var set = RedisSortedSet.Create(limits, 1);
        set.Add(B("a"), -0.0, ZAddFlags.None, limits, out double stored);
        Assert.True(double.IsNegative(stored));
        Assert.False(double.IsNegative(set.First!.Score));
        set.Add(B("b"), 1, ZAddFlags.None, limits, out _);
        set.Add(B("c"), 1, ZAddFlags.None, limits, out _);
        Assert.Equal("listpack", set.Encoding);
        set.Add(B("d"), -0.0, ZAddFlags.None, limits, out _);
        Assert.Equal("skiplist", set.Encoding);
        Assert.True(double.IsNegative(set.Find(B("d"))!.Score));
        set.Remove(B("d"));
        Assert.Equal("skiplist", set.Encoding);
        set.ConvertToListpackIfFits(limits);
        Assert.Equal("listpack", set.Encoding);

        Assert.Equal("skiplist", RedisSortedSet.Create(limits, 6).Encoding);
        Assert.Equal("skiplist", RedisSortedSet.Create(limits with { ZsetMaxListpackEntries = 0 }, 1).Encoding);
        var wide = RedisSortedSet.Create(limits, 1);
        wide.Add(B("longer"), 1, ZAddFlags.None, limits, out _);
        Assert.Equal("skiplist", wide.Encoding);
    }

    [Fact]
    public void MemoryUsage_GrowsAndShrinksWithTheElements()
    {
        var set = new RedisSortedSet();
        long empty = set.MemoryUsage;
        for (int i = 0; i < 200; i++) set.Add(B("member:" + i), i, ZAddFlags.None, Limits, out _);
        long full = set.MemoryUsage;
        Assert.True(full > empty + 200 * 8);
        set.RemoveRange(0, 199);
        Assert.Equal(0, set.Count);
        Assert.True(set.MemoryUsage < full / 10);
    }
}
