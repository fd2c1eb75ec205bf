using Vigil.Protocol;
using Vigil.Server.PubSub;
using Vigil.Server.Storage;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>
/// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD (zunionInterDiffGenericCommand): sorted
/// sets and plain sets (members scoring 1) as inputs, weights, SUM/MIN/MAX aggregation, and scores
/// summed in Redis's order (inputs by ascending size) so that floating-point results match to the last bit.
/// </summary>
internal static class SortedSetAlgebraCommands
{
    private const string Group = SortedSetCommands.Group;

    private enum Operation
    {
        Union,
        Inter,
        Diff,
    }

    private enum Aggregate
    {
        Sum,
        Min,
        Max,
    }

    /// <summary>One input key: a sorted set, or a set whose members all score 1 (null when missing), and its weight.</summary>
    private struct Input
    {
        public object? Value;
        public double Weight;

        public readonly int Count => Value switch
        {
            RedisSortedSet sorted => sorted.Count,
            RedisSet set => set.Count,
            _ => 0,
        };

        /// <summary>The elements, highest first for a sorted set as zuiNext goes.</summary>
        public readonly IEnumerable<(byte[] Member, double Score)> Elements()
        {
            if (Value is RedisSortedSet sorted)
            {
                for (var node = sorted.Last; node != null; node = node.Previous) yield return (node.Member, node.Score);
            }
            else if (Value is RedisSet set)
            {
                foreach (var member in set) yield return (member.ToBytes(), 1.0);
            }
        }

        public readonly bool TryGetScore(ReadOnlySpan<byte> member, out double score)
        {
            score = 1.0;
            return Value switch
            {
                RedisSortedSet sorted => sorted.TryGetScore(member, out score),
                RedisSet set => set.Contains(member),
                _ => false,
            };
        }
    }

    public static void Register(VigilServer server)
    {
        var t = server.Commands;
        t.Add("zunion", -3, ReadOnly, 0, 0, 0, ctx => Combine(ctx, Operation.Union, store: false), Group);
        t.Add("zinter", -3, ReadOnly, 0, 0, 0, ctx => Combine(ctx, Operation.Inter, store: false), Group);
        t.Add("zdiff", -3, ReadOnly, 0, 0, 0, ctx => Combine(ctx, Operation.Diff, store: false), Group);
        t.Add("zunionstore", -4, Write | DenyOom, 1, 1, 1, ctx => Combine(ctx, Operation.Union, store: true), Group);
        t.Add("zinterstore", -4, Write | DenyOom, 1, 1, 1, ctx => Combine(ctx, Operation.Inter, store: true), Group);
        t.Add("zdiffstore", -4, Write | DenyOom, 1, 1, 1, ctx => Combine(ctx, Operation.Diff, store: true), Group);
        t.Add("zintercard", -3, ReadOnly, 0, 0, 0, ZInterCard, Group);
    }

    /// <summary>
    /// numkeys and the input keys from <paramref name="numKeysArg"/> on: false after replying an
    /// error (a bad count, too few arguments, or an input that is not a sorted set).
    /// </summary>
    private static bool TryReadInputs(CommandContext ctx, int numKeysArg, bool forWrite, out Input[] inputs)
    {
        inputs = [];
        if (!ctx.TryGetInt64(numKeysArg, out long numKeys)) return false;
        if (numKeys < 1)
        {
            ctx.Error($"ERR at least 1 input key is needed for '{ctx.Command.FullName}' command");
            return false;
        }
        if (numKeys > ctx.ArgCount - (numKeysArg + 1))
        {
            ctx.SyntaxError();
            return false;
        }
        inputs = new Input[numKeys];
        for (int i = 0; i < inputs.Length; i++)
        {
            var key = ctx.Arg(numKeysArg + 1 + i);
            var value = forWrite ? ctx.Db.Get(key) : KeyLookup.Read(ctx, key);
            if (value is not (null or RedisSortedSet or RedisSet))
            {
                ctx.WrongType();
                return false;
            }
            inputs[i] = new Input { Value = value, Weight = 1 };
        }
        return true;
    }

    private static void Combine(CommandContext ctx, Operation operation, bool store)
    {
        int numKeysArg = store ? 2 : 1;
        if (!TryReadInputs(ctx, numKeysArg, store, out var inputs)) return;
        var aggregate = Aggregate.Sum;
        bool withScores = false;
        for (int j = numKeysArg + 1 + inputs.Length; j < ctx.ArgCount; j++)
        {
            int remaining = ctx.ArgCount - j;
            if (operation != Operation.Diff && remaining >= inputs.Length + 1 && ctx.ArgIs(j, "weights"u8))
            {
                for (int i = 0; i < inputs.Length; i++)
                {
                    if (!Strtod.TryParseString2d(ctx.Arg(++j), out inputs[i].Weight))
                    {
                        ctx.Error("ERR weight value is not a float");
                        return;
                    }
                }
            }
            else if (operation != Operation.Diff && remaining >= 2 && ctx.ArgIs(j, "aggregate"u8))
            {
                j++;
                if (ctx.ArgIs(j, "sum"u8)) aggregate = Aggregate.Sum;
                else if (ctx.ArgIs(j, "min"u8)) aggregate = Aggregate.Min;
                else if (ctx.ArgIs(j, "max"u8)) aggregate = Aggregate.Max;
                else
                {
                    ctx.SyntaxError();
                    return;
                }
            }
            else if (!store && ctx.ArgIs(j, "withscores"u8))
            {
                withScores = true;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }

        var result = RedisSortedSet.CreateSkiplist();
        var limits = EncodingLimits.From(ctx.Server.Config);
        switch (operation)
        {
            case Operation.Union:
                Union(Ordered(inputs), aggregate, result, limits);
                break;
            case Operation.Inter:
                Intersect(Ordered(inputs), aggregate, result, limits, 0);
                break;
            default:
                Difference(inputs, result, limits);
                break;
        }
        if (store) Store(ctx, operation, result, limits);
        else Reply(ctx, result, withScores);
    }

    /// <summary>The inputs from the smallest to the largest, in a stable order as Redis's merge sort leaves them.</summary>
    private static Input[] Ordered(Input[] inputs)
    {
        var ordered = (Input[])inputs.Clone();
        for (int i = 1; i < ordered.Length; i++)
        {
            var input = ordered[i];
            int j = i - 1;
            for (; j >= 0 && ordered[j].Count > input.Count; j--) ordered[j + 1] = ordered[j];
            ordered[j + 1] = input;
        }
        return ordered;
    }

    /// <summary>zunionInterAggregate: a NaN sum (inf - inf) counts as 0.</summary>
    private static double Aggregated(double target, double value, Aggregate aggregate)
    {
        switch (aggregate)
        {
            case Aggregate.Sum:
                double sum = target + value;
                return double.IsNaN(sum) ? 0 : sum;
            case Aggregate.Min:
                return value < target ? value : target;
            default:
                return value > target ? value : target;
        }
    }

    private static double Weighted(double score, double weight)
    {
        double value = weight * score;
        return double.IsNaN(value) ? 0 : value;
    }

    private static void Union(Input[] inputs, Aggregate aggregate, RedisSortedSet result, in EncodingLimits limits)
    {
        var scores = new KeyTable<double>();
        foreach (var input in inputs)
        {
            foreach (var (member, score) in input.Elements())
            {
                double weighted = Weighted(score, input.Weight);
                int slot = scores.FindOrAdd(member, KeyTable<double>.HashOf(member), out bool added, member);
                ref double total = ref scores.WritableValueAt(slot);
                total = added ? weighted : Aggregated(total, weighted, aggregate);
            }
        }
        for (int slot = 0; slot < scores.SlotCount; slot++)
        {
            var member = scores.KeyAt(slot);
            if (member != null) result.Insert(member, scores.ValueAt(slot), limits);
        }
    }

    /// <summary>The members in every input; adds them to <paramref name="result"/> when given, and returns how many (up to <paramref name="limit"/> when not 0).</summary>
    private static long Intersect(Input[] inputs, Aggregate aggregate, RedisSortedSet? result, in EncodingLimits limits, long limit)
    {
        var smallest = inputs[0];
        if (smallest.Count == 0) return 0;
        long found = 0;
        foreach (var (member, score) in smallest.Elements())
        {
            double total = Weighted(score, smallest.Weight);
            int j = 1;
            for (; j < inputs.Length; j++)
            {
                var other = inputs[j];
                if (ReferenceEquals(other.Value, smallest.Value)) total = Aggregated(total, score * other.Weight, aggregate);
                else if (other.TryGetScore(member, out double value)) total = Aggregated(total, value * other.Weight, aggregate);
                else break;
            }
            if (j < inputs.Length) continue;
            found++;
            result?.Insert(member, total, limits);
            if (limit > 0 && found >= limit) break;
        }
        return found;
    }

    private static void Difference(Input[] inputs, RedisSortedSet result, in EncodingLimits limits)
    {
        foreach (var (member, score) in inputs[0].Elements())
        {
            bool elsewhere = false;
            for (int j = 1; j < inputs.Length && !elsewhere; j++) elsewhere = inputs[j].TryGetScore(member, out _);
            if (!elsewhere) result.Insert(member, score, limits);
        }
    }

    private static void Store(CommandContext ctx, Operation operation, RedisSortedSet result, in EncodingLimits limits)
    {
        var destination = ctx.Arg(1);
        if (result.Count == 0)
        {
            ctx.Reply.WriteInteger(0);
            if (ctx.Db.Delete(destination))
            {
                ctx.Notify(KeyspaceEventType.Generic, "del", destination);
                ctx.MarkDirty();
            }
            return;
        }
        result.ConvertToListpackIfFits(limits);
        ctx.Db.Store(destination, result);
        ctx.Reply.WriteInteger(result.Count);
        string name = operation switch
        {
            Operation.Union => "zunionstore",
            Operation.Inter => "zinterstore",
            _ => "zdiffstore",
        };
        ctx.Notify(KeyspaceEventType.SortedSet, name, destination);
        ctx.MarkDirty();
    }

    private static void Reply(CommandContext ctx, RedisSortedSet result, bool withScores)
    {
        ctx.Reply.WriteArrayHeader(SortedSetCommands.ReplyLength(ctx, result.Count, withScores));
        for (var node = result.First; node != null; node = node.Next) SortedSetCommands.WriteElement(ctx, node, withScores);
    }

    private static void ZInterCard(CommandContext ctx)
    {
        if (!TryReadInputs(ctx, 1, forWrite: false, out var inputs)) return;
        long limit = 0;
        for (int j = 2 + inputs.Length; j < ctx.ArgCount; j++)
        {
            if (ctx.ArgCount - j >= 2 && ctx.ArgIs(j, "limit"u8))
            {
                if (!RedisNumbers.TryParseInt64(ctx.Arg(++j), out limit) || limit < 0)
                {
                    ctx.Error("ERR LIMIT can't be negative");
                    return;
                }
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        ctx.Reply.WriteInteger(Intersect(Ordered(inputs), Aggregate.Sum, null, EncodingLimits.Default, limit));
    }
}
