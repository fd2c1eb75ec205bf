using System.Text;
using Vigil.Server.Storage;

namespace Vigil.Server.Tests.Storage;

public class KeyTableSnapshotTests
{
    private static byte[] Key(int n) => Encoding.ASCII.GetBytes("key:" + n);

    private static Dictionary<string, object> Contents(KeyTable<object>.View view)
    {
        var result = new Dictionary<string, object>();
        for (int slot = 0; slot < view.SlotCount; slot++)
        {
            var key = view.KeyAt(slot);
            if (key == null) continue;
            result.Add(Encoding.ASCII.GetString(key), view.ValueAt(slot));
            Assert.True(view.TryGetValue(key, KeyTable<object>.HashOf(key), out var found));
            Assert.Same(view.ValueAt(slot), found);
        }
        Assert.Equal(view.Count, result.Count);
        return result;
    }

    private static void AssertLive(KeyTable<object> table, Dictionary<string, object> model)
    {
        Assert.Equal(model.Count, table.Count);
        foreach (var (key, value) in model)
        {
            int slot = table.Find(Encoding.ASCII.GetBytes(key));
            Assert.True(slot >= 0, key);
            Assert.Same(value, table.ValueAt(slot));
        }
    }

    /// <summary>
    /// Random inserts, overwrites, removals, growth and shrinking, with views taken along the way:
    /// every view keeps showing exactly what the table held when it was taken, and the live table
    /// stays right, whether chunks were shared or not.
    /// </summary>
    [Theory]
    [InlineData(1, 300)]
    [InlineData(2, 6_000)]
    [InlineData(3, 40_000)]
    public void Views_StayPointInTime_WhileTheTableChanges(int seed, int keySpace)
    {
        var random = new Random(seed);
        var table = new KeyTable<object>(trackAccess: true);
        var model = new Dictionary<string, object>();
        var open = new List<(KeyTable<object>.View View, Dictionary<string, object> Expected)>();
        for (int op = 0; op < keySpace * 4; op++)
        {
            int n = random.Next(keySpace);
            var key = Key(n);
            int action = random.Next(100);
            if (action < 55)
            {
                var value = new object();
                int slot = table.FindOrAdd(key, KeyTable<object>.HashOf(key), out _);
                table.WritableValueAt(slot) = value;
                model[Encoding.ASCII.GetString(key)] = value;
            }
            else if (action < 90)
            {
                Assert.Equal(model.Remove(Encoding.ASCII.GetString(key)), table.Remove(key));
            }
            else if (action < 91)
            {
                table.ShrinkIfSparse();
            }
            if (random.Next(keySpace) == 0)
            {
                open.Add((table.Freeze(), new Dictionary<string, object>(model)));
            }
            if (open.Count > 0 && random.Next(keySpace) == 0)
            {
                int i = random.Next(open.Count);
                Assert.Equal(open[i].Expected, Contents(open[i].View));
                table.Release(open[i].View);
                open.RemoveAt(i);
            }
        }
        foreach (var (view, expected) in open)
        {
            Assert.Equal(expected, Contents(view));
            table.Release(view);
        }
        AssertLive(table, model);
    }

    [Fact]
    public void WritesAfterAllViewsAreReleased_CopyNothing()
    {
        var table = new KeyTable<object>();
        for (int i = 0; i < 10_000; i++) table.WritableValueAt(table.FindOrAdd(Key(i), KeyTable<object>.HashOf(Key(i)), out _)) = i;
        var view = table.Freeze();
        table.WritableValueAt(table.Find(Key(1))) = "changed";
        long copied = table.CopiedChunks;
        Assert.True(copied > 0);
        Assert.Equal(1, view.ValueAt(view.SlotCount > 0 ? FindSlot(view, Key(1)) : -1));
        table.Release(view);
        table.WritableValueAt(table.Find(Key(5000))) = "changed too";
        table.Remove(Key(7000));
        Assert.Equal(copied, table.CopiedChunks);
    }

    [Fact]
    public void FreezingALargeTable_CopiesOnlyChunkPointers()
    {
        var table = new KeyTable<object>();
        for (int i = 0; i < 200_000; i++) table.FindOrAdd(Key(i), KeyTable<object>.HashOf(Key(i)), out _);
        var view = table.Freeze();
        Assert.Equal(200_000, view.Count);
        // One write copies one entry chunk, not the table.
        table.WritableValueAt(table.Find(Key(123))) = "x";
        Assert.Equal(1, table.CopiedChunks);
        table.Release(view);
    }

    private static int FindSlot(KeyTable<object>.View view, byte[] key)
    {
        for (int slot = 0; slot < view.SlotCount; slot++)
        {
            if (view.KeyAt(slot) is { } k && k.AsSpan().SequenceEqual(key)) return slot;
        }
        return -1;
    }
}
