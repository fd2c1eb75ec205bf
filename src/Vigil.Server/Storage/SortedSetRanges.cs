using Vigil.Protocol;

namespace Vigil.Server.Storage;

/// <summary>An interval of a sorted set's order, by score or by member.</summary>
public interface IElementRange
{
    /// <summary>True when nothing can be in the interval.</summary>
    bool IsEmpty { get; }

    bool AboveMin(RedisSortedSet.Node node);

    bool BelowMax(RedisSortedSet.Node node);
}

/// <summary>A score interval of ZRANGEBYSCORE and friends (zrangespec): "(" makes a bound exclusive.</summary>
public readonly struct ScoreRange : IElementRange
{
    public ScoreRange(double min, double max, bool minExclusive, bool maxExclusive)
    {
        Min = min;
        Max = max;
        MinExclusive = minExclusive;
        MaxExclusive = maxExclusive;
    }

    public double Min { get; }

    public double Max { get; }

    public bool MinExclusive { get; }

    public bool MaxExclusive { get; }

    /// <summary>True when no score can be in the interval.</summary>
    public bool IsEmpty => Min > Max || (Min == Max && (MinExclusive || MaxExclusive));

    public bool AboveMin(RedisSortedSet.Node node) => MinExclusive ? node.Score > Min : node.Score >= Min;

    public bool BelowMax(RedisSortedSet.Node node) => MaxExclusive ? node.Score < Max : node.Score <= Max;

    /// <summary>
    /// zslParseRange: each bound is handed to strtod as a C string (it ends at the first NUL byte),
    /// so leading blanks, hexadecimal and an empty bound (0) are accepted; trailing garbage and NaN are not.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out ScoreRange range)
    {
        range = default;
        if (!TryParseBound(min, out double low, out bool lowExclusive) || !TryParseBound(max, out double high, out bool highExclusive))
            return false;
        range = new ScoreRange(low, high, lowExclusive, highExclusive);
        return true;
    }

    private static bool TryParseBound(ReadOnlySpan<byte> text, out double value, out bool exclusive)
    {
        int nul = text.IndexOf((byte)0);
        if (nul >= 0) text = text[..nul];
        exclusive = text.Length > 0 && text[0] == '(';
        if (exclusive) text = text[1..];
        value = Strtod.Parse(text, out int consumed, out _);
        return consumed == text.Length && !double.IsNaN(value);
    }
}

/// <summary>
/// A member interval of ZRANGEBYLEX and friends (zlexrangespec): "[" inclusive, "(" exclusive, "-"
/// and "+" below and above every member. The bounds are slices of the command's arguments.
/// </summary>
public readonly ref struct LexRange : IElementRange
{
    private readonly ReadOnlySpan<byte> _min;
    private readonly ReadOnlySpan<byte> _max;
    private readonly Infinite _minKind;
    private readonly Infinite _maxKind;

    private enum Infinite : byte
    {
        None,
        Minus,
        Plus,
    }

    private LexRange(ReadOnlySpan<byte> min, Infinite minKind, bool minExclusive, ReadOnlySpan<byte> max, Infinite maxKind, bool maxExclusive)
    {
        _min = min;
        _max = max;
        _minKind = minKind;
        _maxKind = maxKind;
        MinExclusive = minExclusive;
        MaxExclusive = maxExclusive;
    }

    public bool MinExclusive { get; }

    public bool MaxExclusive { get; }

    public bool IsEmpty
    {
        get
        {
            int cmp = CompareBounds(_min, _minKind, _max, _maxKind);
            return cmp > 0 || (cmp == 0 && (MinExclusive || MaxExclusive));
        }
    }

    public bool AboveMin(RedisSortedSet.Node node)
    {
        int cmp = CompareBounds(node.Member, Infinite.None, _min, _minKind);
        return MinExclusive ? cmp > 0 : cmp >= 0;
    }

    public bool BelowMax(RedisSortedSet.Node node)
    {
        int cmp = CompareBounds(node.Member, Infinite.None, _max, _maxKind);
        return MaxExclusive ? cmp < 0 : cmp <= 0;
    }

    /// <summary>zslParseLexRange: both bounds valid, or false ("min or max not valid string range item").</summary>
    public static bool TryParse(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out LexRange range)
    {
        range = default;
        if (!TryParseItem(min, out var low, out var lowKind, out bool lowExclusive) ||
            !TryParseItem(max, out var high, out var highKind, out bool highExclusive))
        {
            return false;
        }
        range = new LexRange(low, lowKind, lowExclusive, high, highKind, highExclusive);
        return true;
    }

    /// <summary>zslParseLexRangeItem; "+" and "-" are read as C strings (a NUL may follow them).</summary>
    private static bool TryParseItem(ReadOnlySpan<byte> item, out ReadOnlySpan<byte> value, out Infinite kind, out bool exclusive)
    {
        value = default;
        kind = Infinite.None;
        exclusive = true;
        if (item.Length == 0) return false;
        switch (item[0])
        {
            case (byte)'+':
            case (byte)'-':
                if (item.Length > 1 && item[1] != 0) return false;
                kind = item[0] == '+' ? Infinite.Plus : Infinite.Minus;
                return true;
            case (byte)'(':
                value = item[1..];
                return true;
            case (byte)'[':
                value = item[1..];
                exclusive = false;
                return true;
            default:
                return false;
        }
    }

    /// <summary>sdscmplex: "-" sorts before everything, "+" after, and each equals itself.</summary>
    private static int CompareBounds(ReadOnlySpan<byte> a, Infinite aKind, ReadOnlySpan<byte> b, Infinite bKind)
    {
        if (aKind != Infinite.None && aKind == bKind) return 0;
        if (aKind == Infinite.Minus || bKind == Infinite.Plus) return -1;
        if (aKind == Infinite.Plus || bKind == Infinite.Minus) return 1;
        return a.SequenceCompareTo(b);
    }
}
