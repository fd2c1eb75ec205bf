using System.Text;
using Vigil.Server.Storage;

namespace Vigil.Server.Tests.Lists;

/// <summary>The list value against a plain List model, through every operation, across wrap-arounds and resizes.</summary>
public class RedisListTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomOperations_MatchAPlainList(int seed)
    {
        var random = new Random(seed);
        var list = new RedisList();
        var model = new List<byte[]>();
        for (int step = 0; step < 3000; step++)
        {
            var value = Encoding.ASCII.GetBytes(random.Next(6) + new string('v', random.Next(0, 20)));
            int op = random.Next(9);
            // Lean towards growth early, shrinkage late, so sizes go up and down.
            if (step > 2000 && op < 3) op += 3;
            switch (op)
            {
                case 0:
                    list.PushHead(value);
                    model.Insert(0, value);
                    break;
                case 1:
                case 2:
                    list.PushTail(value);
                    model.Add(value);
                    break;
                case 3 when model.Count > 0:
                {
                    bool head = random.Next(2) == 0;
                    var popped = list.Pop(head);
                    Assert.Same(head ? model[0] : model[^1], popped);
                    model.RemoveAt(head ? 0 : model.Count - 1);
                    break;
                }
                case 4:
                {
                    int index = random.Next(model.Count + 1);
                    list.Insert(index, value);
                    model.Insert(index, value);
                    break;
                }
                case 5 when model.Count > 0:
                {
                    int index = random.Next(model.Count);
                    int length = random.Next(Math.Min(8, model.Count - index) + 1);
                    list.RemoveRange(index, length);
                    model.RemoveRange(index, length);
                    break;
                }
                case 6:
                {
                    var target = Encoding.ASCII.GetBytes(random.Next(6).ToString());
                    int limit = random.Next(3);
                    bool fromTail = random.Next(2) == 0;
                    int removed = list.RemoveMatching(target, limit, fromTail);
                    Assert.Equal(RemoveFromModel(model, target, limit, fromTail), removed);
                    break;
                }
                case 7 when model.Count > 0:
                {
                    int index = random.Next(model.Count);
                    list[index] = value;
                    model[index] = value;
                    break;
                }
                default:
                {
                    var probe = Encoding.ASCII.GetBytes(random.Next(6).ToString());
                    Assert.Equal(model.FindIndex(e => e.AsSpan().SequenceEqual(probe)), list.IndexOf(probe));
                    break;
                }
            }
            AssertSame(model, list);
        }
    }

    [Fact]
    public void MemoryUsage_FollowsTheElements_AndShrinksWhenDrained()
    {
        var list = new RedisList();
        long empty = list.MemoryUsage;
        for (int i = 0; i < 10_000; i++) list.PushTail(new byte[100]);
        long full = list.MemoryUsage;
        Assert.InRange(full, 10_000L * 100, 10_000L * 200);
        list[0] = new byte[1_000_000];
        Assert.True(list.MemoryUsage > full + 900_000);
        while (list.Count > 0) list.Pop(head: true);
        Assert.Equal(empty, list.MemoryUsage);
    }

    [Fact]
    public void Clone_IsIndependentOfTheOriginal()
    {
        var list = new RedisList();
        for (int i = 0; i < 10; i++) list.PushHead([(byte)i]);
        var clone = (RedisList)list.Clone();
        list.Pop(head: true);
        list[0] = [99];
        Assert.Equal(10, clone.Count);
        Assert.Equal(9, clone[0][0]);
        Assert.Equal(8, clone[1][0]);
        Assert.True(clone.MemoryUsage > list.MemoryUsage);
    }

    [Fact]
    public void TryResolveIndex_CountsNegativesFromTheTail()
    {
        var list = new RedisList();
        list.PushTail([1]);
        list.PushTail([2]);
        Assert.True(list.TryResolveIndex(-1, out int last));
        Assert.Equal(1, last);
        Assert.True(list.TryResolveIndex(-2, out int first));
        Assert.Equal(0, first);
        Assert.False(list.TryResolveIndex(-3, out _));
        Assert.False(list.TryResolveIndex(2, out _));
        Assert.False(list.TryResolveIndex(long.MaxValue, out _));
        Assert.False(list.TryResolveIndex(long.MinValue, out _));
    }

    private static int RemoveFromModel(List<byte[]> model, byte[] target, int limit, bool fromTail)
    {
        int removed = 0;
        if (fromTail)
        {
            for (int i = model.Count - 1; i >= 0 && (limit == 0 || removed < limit); i--)
            {
                if (!model[i].AsSpan().SequenceEqual(target)) continue;
                model.RemoveAt(i);
                removed++;
            }
            return removed;
        }
        for (int i = 0; i < model.Count && (limit == 0 || removed < limit);)
        {
            if (!model[i].AsSpan().SequenceEqual(target))
            {
                i++;
                continue;
            }
            model.RemoveAt(i);
            removed++;
        }
        return removed;
    }

    private static void AssertSame(List<byte[]> model, RedisList list)
    {
        Assert.Equal(model.Count, list.Count);
        for (int i = 0; i < model.Count; i++) Assert.Same(model[i], list[i]);
    }
}
