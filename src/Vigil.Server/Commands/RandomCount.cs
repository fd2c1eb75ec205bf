using Vigil.Protocol;
using Vigil.Server.Clients;

namespace Vigil.Server.Commands;

/// <summary>
/// What HRANDFIELD and SRANDMEMBER share: their count argument, Redis's strategies for distinct
/// random picks, and a bound on the replies that negative counts can make.
/// </summary>
internal static class RandomCount
{
    /// <summary>Above this many bytes of pending reply a random-pick loop gives up and closes the client.</summary>
    private const int MaxReplyBytes = 512 * 1024 * 1024;

    /// <summary>Distinct picks above 1/3 of the collection copy it and drop random elements instead (Redis's CASE 3).</summary>
    private const int SubtractFactor = 3;

    private const string OutOfRange = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

    /// <summary>getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX).</summary>
    public static bool TryParse(CommandContext ctx, int index, out long count)
    {
        if (!ctx.TryGetInt64(index, out count)) return false;
        if (count != long.MinValue) return true;
        ctx.Error(OutOfRange);
        return false;
    }

    /// <summary>
    /// False once the client is being closed, or when the reply grew past what any client could
    /// want (a huge negative count); the client is then closed rather than the server exhausted.
    /// </summary>
    public static bool KeepWriting(CommandContext ctx)
    {
        if (ctx.Client.HasFlag(ClientFlags.CloseAsap)) return false;
        if (ctx.Reply.Length <= MaxReplyBytes) return true;
        ctx.Client.Kill();
        return false;
    }

    /// <summary>
    /// <paramref name="count"/> distinct positions out of <paramref name="size"/> (count &lt; size).
    /// In storage order when <paramref name="keepOrder"/> (a listpack's lpRandomPairsUnique);
    /// otherwise every position minus random ones when the picks are most of the collection, or
    /// random picks until enough are distinct.
    /// </summary>
    public static IReadOnlyCollection<int> DistinctPositions(bool keepOrder, int count, int size, Func<int[]> allPositions, Func<Random, int> randomPosition)
    {
        var random = Random.Shared;
        if (keepOrder)
        {
            var positions = allPositions();
            var kept = new List<int>(count);
            // Selection sampling: keep each position with probability (still wanted) / (still left).
            for (int i = 0; i < positions.Length && kept.Count < count; i++)
            {
                if (random.Next(positions.Length - i) < count - kept.Count) kept.Add(positions[i]);
            }
            return kept;
        }
        if ((long)count * SubtractFactor > size)
        {
            var positions = allPositions();
            for (int left = positions.Length; left > count; left--)
            {
                int i = random.Next(left);
                positions[i] = positions[left - 1];
            }
            return new ArraySegment<int>(positions, 0, count);
        }
        var picked = new HashSet<int>(count);
        while (picked.Count < count) picked.Add(randomPosition(random));
        return picked;
    }
}
