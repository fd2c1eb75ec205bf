using System.Buffers.Binary;
using Vigil.Server.Storage;

namespace Vigil.Server.Tests.Sets;

/// <summary>The intset layout: sorted, widened on demand, exactly Redis's bytes.</summary>
public class IntSetTests
{
    private static long[] Values(IntSet set) => Enumerable.Range(0, set.Count).Select(i => set[i]).ToArray();

    [Fact]
    public void Values_StaySorted_AndTheWidthGrowsToTheWidest()
    {
        var set = new IntSet();
        foreach (long v in new long[] { 5, -3, 100, 5, 0 }) set.Add(v);
        Assert.Equal([-3, 0, 5, 100], Values(set));
        Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(set.Blob));
        set.Add(-70000);
        Assert.Equal(4, BinaryPrimitives.ReadInt32LittleEndian(set.Blob));
        set.Add(long.MaxValue);
        Assert.Equal(8, BinaryPrimitives.ReadInt32LittleEndian(set.Blob));
        Assert.Equal([-70000, -3, 0, 5, 100, long.MaxValue], Values(set));
        Assert.Equal(8 + 6 * 8, set.Blob.Length);
        Assert.Equal(6, BinaryPrimitives.ReadInt32LittleEndian(set.Blob[4..]));
        Assert.True(set.Remove(-3));
        Assert.False(set.Remove(-3));
        Assert.False(set.Remove(long.MinValue));
        Assert.True(set.Contains(long.MaxValue));
        Assert.Equal([-70000, 0, 5, 100, long.MaxValue], Values(set));
    }

    [Fact]
    public void ManyValues_MatchASortedSet()
    {
        var random = new Random(7);
        var set = new IntSet();
        var expected = new SortedSet<long>();
        for (int i = 0; i < 3000; i++)
        {
            long v = random.Next(4) switch { 0 => random.Next(-100, 100), 1 => random.Next(), 2 => random.NextInt64(), _ => -random.NextInt64() };
            if (random.Next(3) == 0)
            {
                Assert.Equal(expected.Remove(v), set.Remove(v));
            }
            else
            {
                Assert.Equal(expected.Add(v), set.Add(v));
            }
        }
        Assert.Equal(expected.ToArray(), Values(set));
        var copy = IntSet.FromBlob(set.Blob.ToArray());
        Assert.NotNull(copy);
        Assert.Equal(expected.ToArray(), Values(copy!));
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 2, 0, 0, 0, 1, 0, 0 })]
    [InlineData(new byte[] { 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0 })]
    [InlineData(new byte[] { 2, 0, 0, 0, 2, 0, 0, 0, 1, 0 })]
    [InlineData(new byte[] { 2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 1, 0 })]
    [InlineData(new byte[] { 2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 5, 0 })]
    [InlineData(new byte[] { 2, 0, 0, 0, 255, 255, 255, 255, 5, 0, 5, 0 })]
    public void MalformedBlobs_AreRefused(byte[] blob)
    {
        Assert.Null(IntSet.FromBlob(blob));
    }
}
