using Vigil.Protocol;
using Vigil.Server.PubSub;
using Vigil.Server.Storage;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>
/// PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST (hyperloglog.c). A HyperLogLog is a string in
/// Redis's own layout (see <see cref="HyperLogLog"/>); every change stores a new array, "raw" as
/// Redis leaves HLL strings.
/// </summary>
internal static class HyperLogLogCommands
{
    private const string Group = "hyperloglog";

    public static void Register(VigilServer server)
    {
        var t = server.Commands;
        t.Add("pfadd", -2, Write | DenyOom | Fast, 1, 1, 1, PfAdd, Group);
        t.Add("pfcount", -2, ReadOnly, 1, -1, 1, PfCount, Group);
        t.Add("pfmerge", -2, Write | DenyOom, 1, -1, 1, PfMerge, Group);
        t.Add("pfdebug", 3, Write | DenyOom | Admin, 2, 2, 1, PfDebug, Group);
        t.Add("pfselftest", 1, Admin, 0, 0, 0, PfSelfTest, Group);
    }

    /// <summary>isHLLObjectOrReply: null for a missing key; false after WRONGTYPE for anything but a valid HLL string.</summary>
    private static bool TryGetHll(CommandContext ctx, object? value, out byte[]? hll)
    {
        hll = value as byte[];
        if (value == null) return true;
        if (hll == null)
        {
            ctx.WrongType();
            return false;
        }
        if (HyperLogLog.IsValid(hll)) return true;
        ctx.Error(HyperLogLog.NotHllError);
        return false;
    }

    /// <summary>Stores a changed HLL (a new key takes no TTL, an existing one keeps it).</summary>
    private static void Store(CommandContext ctx, ReadOnlySpan<byte> key, HyperLogLog hll, bool created)
    {
        var value = hll.ToArray();
        StringEncodingMarks.MarkRaw(value);
        if (created) ctx.Db.Set(key, value);
        else ctx.Db.Overwrite(key, value);
    }

    private static void PfAdd(CommandContext ctx)
    {
        var key = ctx.Arg(1);
        if (!TryGetHll(ctx, ctx.Db.Get(key), out var current)) return;
        bool created = current == null;
        var hll = created ? HyperLogLog.CreateEmpty() : HyperLogLog.CopyOf(current!);
        long updated = created ? 1 : 0;
        long sparseMaxBytes = ctx.Server.Config.HllSparseMaxBytes;
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            int result = hll.Add(ctx.Arg(i), sparseMaxBytes);
            if (result < 0)
            {
                ctx.Error(HyperLogLog.InvalidError);
                return;
            }
            updated += result;
        }
        if (updated > 0)
        {
            hll.InvalidateCache();
            Store(ctx, key, hll, created);
            ctx.Notify(KeyspaceEventType.String, "pfadd", key);
            ctx.MarkDirty(updated);
        }
        else
        {
            StringEncodingMarks.MarkRaw(current!);
        }
        ctx.Reply.WriteInteger(updated > 0 ? 1 : 0);
    }

    private static void PfCount(CommandContext ctx)
    {
        if (ctx.ArgCount > 2)
        {
            // The cardinality of the union, from plain byte registers.
            Span<byte> max = stackalloc byte[HyperLogLog.Registers];
            max.Clear();
            for (int i = 1; i < ctx.ArgCount; i++)
            {
                if (!TryGetHll(ctx, KeyLookup.Read(ctx, ctx.Arg(i)), out var one)) return;
                if (one == null) continue;
                if (!HyperLogLog.MergeInto(max, one))
                {
                    ctx.Error(HyperLogLog.InvalidError);
                    return;
                }
            }
            ctx.Reply.WriteInteger(HyperLogLog.CountRaw(max));
            return;
        }
        var key = ctx.Arg(1);
        if (!TryGetHll(ctx, KeyLookup.Read(ctx, key), out var current)) return;
        if (current == null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        if (HyperLogLog.TryGetCachedCount(current, out long cached))
        {
            StringEncodingMarks.MarkRaw(current);
            ctx.Reply.WriteInteger(cached);
            return;
        }
        if (!HyperLogLog.TryCount(current, out long count))
        {
            ctx.Error(HyperLogLog.InvalidError);
            return;
        }
        // Caching the count changes the string, so it is stored and propagated like a write.
        var hll = HyperLogLog.CopyOf(current);
        hll.SetCachedCount(count);
        Store(ctx, key, hll, created: false);
        ctx.MarkDirty();
        ctx.Reply.WriteInteger(count);
    }

    private static void PfMerge(CommandContext ctx)
    {
        Span<byte> max = stackalloc byte[HyperLogLog.Registers];
        max.Clear();
        bool anyDense = false;
        // The destination is one of the inputs.
        for (int i = 1; i < ctx.ArgCount; i++)
        {
            if (!TryGetHll(ctx, KeyLookup.Read(ctx, ctx.Arg(i)), out var one)) return;
            if (one == null) continue;
            anyDense |= HyperLogLog.IsDense(one);
            if (!HyperLogLog.MergeInto(max, one))
            {
                ctx.Error(HyperLogLog.InvalidError);
                return;
            }
        }
        var key = ctx.Arg(1);
        var current = ctx.Db.Get(key) as byte[];
        bool created = current == null;
        var hll = created ? HyperLogLog.CreateEmpty() : HyperLogLog.CopyOf(current!);
        if (anyDense && !hll.ToDense())
        {
            ctx.Error(HyperLogLog.InvalidError);
            return;
        }
        long sparseMaxBytes = ctx.Server.Config.HllSparseMaxBytes;
        for (int i = 0; i < HyperLogLog.Registers; i++)
        {
            if (max[i] != 0) hll.Set(i, max[i], sparseMaxBytes);
        }
        hll.InvalidateCache();
        Store(ctx, key, hll, created);
        ctx.Notify(KeyspaceEventType.String, "pfadd", key);
        ctx.MarkDirty();
        ctx.Reply.WriteOk();
    }

    private static void PfDebug(CommandContext ctx)
    {
        var key = ctx.Arg(2);
        var value = ctx.Db.Get(key);
        if (value == null)
        {
            ctx.Error("ERR The specified key does not exist");
            return;
        }
        if (!TryGetHll(ctx, value, out var current)) return;
        StringEncodingMarks.MarkRaw(current!);
        var hll = HyperLogLog.CopyOf(current!);
        if (ctx.ArgIs(1, "getreg"u8))
        {
            if (hll.IsSparse && !ConvertToDense(ctx, key, hll)) return;
            ctx.Reply.WriteArrayHeader(HyperLogLog.Registers);
            for (int i = 0; i < HyperLogLog.Registers; i++) ctx.Reply.WriteInteger(hll.Register(i));
        }
        else if (ctx.ArgIs(1, "decode"u8))
        {
            if (!hll.IsSparse)
            {
                ctx.Error("ERR HLL encoding is not sparse");
                return;
            }
            ctx.Reply.WriteBulkString(hll.DecodeSparse());
        }
        else if (ctx.ArgIs(1, "encoding"u8))
        {
            ctx.Reply.WriteSimpleString(hll.IsSparse ? "sparse" : "dense");
        }
        else if (ctx.ArgIs(1, "todense"u8))
        {
            bool converted = hll.IsSparse;
            if (converted && !ConvertToDense(ctx, key, hll)) return;
            ctx.Reply.WriteInteger(converted ? 1 : 0);
        }
        else
        {
            ctx.Error($"ERR Unknown PFDEBUG subcommand '{ctx.ArgLatin1(1)}'");
        }
    }

    /// <summary>Stores the dense form of a sparse HLL, propagated (the encoding change must reach replicas).</summary>
    private static bool ConvertToDense(CommandContext ctx, ReadOnlySpan<byte> key, HyperLogLog hll)
    {
        if (!hll.ToDense())
        {
            ctx.Error(HyperLogLog.InvalidError);
            return false;
        }
        Store(ctx, key, hll, created: false);
        ctx.MarkDirty();
        return true;
    }

    /// <summary>pfselftestCommand: see <see cref="HyperLogLog.SelfTest"/>.</summary>
    private static void PfSelfTest(CommandContext ctx)
    {
        string? failure = HyperLogLog.SelfTest(1000, 10_000_000, ctx.Server.Config.HllSparseMaxBytes, Random.Shared);
        if (failure != null) ctx.Error(failure);
        else ctx.Reply.WriteOk();
    }
}
