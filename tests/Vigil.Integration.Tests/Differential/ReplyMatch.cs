using Vigil.Protocol;

namespace Vigil.Integration.Tests.Differential;

public enum MatchKind
{
    /// <summary>The raw RESP bytes are identical.</summary>
    Exact,
    /// <summary>Integers may differ by the tolerance (TTLs: the servers set them a few ms apart); negative values exactly.</summary>
    Within,
    /// <summary>An array or set with the same elements in any order (KEYS, SMEMBERS).</summary>
    Unordered,
    /// <summary>An array or map of field/value pairs in any pair order (HGETALL, CONFIG GET), flat or as RESP3's nested pairs.</summary>
    UnorderedPairs,
    /// <summary>A SCAN reply: the same cursor and the same elements in any order.</summary>
    Scan,
    /// <summary>The same reply type and nullness, any content (RANDOMKEY, SPOP).</summary>
    SameShape,
    /// <summary>Not compared (HELLO, whose reply names the server and the client id).</summary>
    Ignore,
    /// <summary>
    /// A DUMP payload: exact, except that a hashtable-encoded set or hash (RDB types 2 and 4) lists
    /// its members in table order, so there the type and the length must match.
    /// </summary>
    Dump,
}

/// <summary>How the two replies to one command are compared. Anything but Exact is a deliberate allowance for nondeterminism.</summary>
public readonly record struct ReplyMatch(MatchKind Kind, long Tolerance = 0)
{
    public static ReplyMatch Exact => new(MatchKind.Exact);

    public static ReplyMatch Unordered => new(MatchKind.Unordered);

    public static ReplyMatch UnorderedPairs => new(MatchKind.UnorderedPairs);

    public static ReplyMatch Scan => new(MatchKind.Scan);

    public static ReplyMatch SameShape => new(MatchKind.SameShape);

    public static ReplyMatch Ignore => new(MatchKind.Ignore);

    public static ReplyMatch Dump => new(MatchKind.Dump);

    public static ReplyMatch Within(long tolerance) => new(MatchKind.Within, tolerance);

    public override string ToString() => Kind == MatchKind.Within ? $"within {Tolerance}" : Kind.ToString().ToLowerInvariant();
}

/// <summary>What one server answered to one command: a reply, or what went wrong reading it.</summary>
public sealed record Reply(byte[] Raw, RespValue? Value, string? Failure)
{
    public const string NoReply = "no reply within the read deadline";

    public static Reply Of(byte[] raw, RespValue value) => new(raw, value, null);

    public static Reply Failed(string failure) => new([], null, failure);

    public override string ToString() => Failure != null ? $"<{Failure}>" : Escape(Raw);

    public static string Escape(byte[] raw)
    {
        const int Max = 600;
        var text = new System.Text.StringBuilder();
        foreach (byte b in raw.AsSpan(0, Math.Min(raw.Length, Max)))
        {
            if (b == '\r') text.Append("\\r");
            else if (b == '\n') text.Append("\\n");
            else if (b == '\\') text.Append("\\\\");
            else if (b >= ' ' && b < 127) text.Append((char)b);
            else text.Append("\\x").Append(b.ToString("x2"));
        }
        if (raw.Length > Max) text.Append($"...({raw.Length} bytes)");
        return text.ToString();
    }
}

public static class ReplyComparer
{
    private const byte HashtableSet = 2;
    private const byte HashtableHash = 4;

    public static bool Same(ReplyMatch match, Reply vigil, Reply redis)
    {
        if (match.Kind == MatchKind.Ignore) return true;
        // Two silent servers prove nothing (the generator sent an incomplete request): report it.
        if (vigil.Failure == Reply.NoReply || redis.Failure == Reply.NoReply) return false;
        if (vigil.Failure != null || redis.Failure != null) return vigil.Failure == redis.Failure;
        if (vigil.Raw.AsSpan().SequenceEqual(redis.Raw)) return true;
        var v = vigil.Value!;
        var r = redis.Value!;
        return match.Kind switch
        {
            MatchKind.Within => v.Type == RespType.Integer && r.Type == RespType.Integer &&
                                v.Integer >= 0 && r.Integer >= 0 && Math.Abs(v.Integer - r.Integer) <= match.Tolerance,
            MatchKind.Unordered => SameElements(v, r, 1),
            // RESP3 nests pairs as two-element arrays (HRANDFIELD WITHVALUES): each is one element then.
            MatchKind.UnorderedPairs => SameElements(v, r, v.Items is { Length: > 0 } items && items.All(i => i.Type == RespType.Array) ? 1 : 2),
            MatchKind.Scan => v.Items is { Length: 2 } && r.Items is { Length: 2 } &&
                              v.Items[0].ToString() == r.Items[0].ToString() && SameElements(v.Items[1], r.Items[1], 1),
            MatchKind.SameShape => v.Type == r.Type && v.IsNull == r.IsNull,
            MatchKind.Dump => v.Bytes is { Length: > 0 } vb && r.Bytes is { Length: > 0 } rb && vb.Length == rb.Length &&
                              vb[0] == rb[0] && vb[0] is HashtableSet or HashtableHash,
            _ => false,
        };
    }

    /// <summary>The same elements, taken <paramref name="groupSize"/> at a time, in any order.</summary>
    private static bool SameElements(RespValue a, RespValue b, int groupSize)
    {
        if (a.Type != b.Type || a.Items == null || b.Items == null || a.Items.Length != b.Items.Length) return false;
        return Groups(a.Items, groupSize).SequenceEqual(Groups(b.Items, groupSize));
    }

    private static IEnumerable<string> Groups(RespValue[] items, int groupSize) =>
        items.Chunk(groupSize).Select(g => string.Join(" ", g.Select(i => i.ToString()))).Order(StringComparer.Ordinal);
}
