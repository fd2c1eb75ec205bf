using System.Numerics;
using System.Runtime.CompilerServices;

namespace Vigil.Server.Storage;

/// <summary>
/// A sorted set (t_zset.c): members ordered by (score, member bytes) in a skiplist whose links carry
/// spans, so insert, delete, rank and the start of any range are O(log n). While the set is small
/// (zset-max-listpack-entries / zset-max-listpack-value) it reports the "listpack" encoding, as
/// Redis stores it, and finds members by walking the list; past those limits it converts, as Redis
/// does, to "skiplist", adding a member → node table for O(1) lookups. Members are never modified.
/// </summary>
public sealed class RedisSortedSet : IRedisValue, ICloneableValue, IMemberCollection
{
    public const int MaxLevel = 32;

    /// <summary>Bytes of a node object with its two inline levels, and of its array of higher levels besides the levels.</summary>
    private const int NodeObjectBytes = 104;
    private const int ArrayHeaderBytes = 24;
    private const int LevelBytes = 24;
    private const int TableEntryBytes = 32;
    private const int BaseBytes = 96 + MaxLevel * LevelBytes;

    private readonly Node _header = new(MaxLevel, [], 0);
    private Node? _tail;
    private int _level = 1;
    private int _count;
    private KeyTable<Node>? _table;
    private long _memory = BaseBytes;

    /// <summary>
    /// An element: its member, its score, and its neighbours in order. The two lowest levels live in
    /// the node itself: a search spends most of its hops on them among nodes that are not in cache,
    /// and a separate level array would cost a second cache miss per hop. Higher levels (one node
    /// in 16) go to an array; the few nodes that have them are visited by every search and stay hot.
    /// </summary>
    public sealed class Node
    {
        internal const int InlineLevels = 2;

        private InlineLevelPair _lowLevels;
        private readonly Level[]? _highLevels;
        internal Node? Backward;

        internal Node(int level, byte[] member, double score)
        {
            LevelCount = level;
            if (level > InlineLevels) _highLevels = new Level[level - InlineLevels];
            Member = member;
            Score = score;
        }

        public byte[] Member { get; }

        public double Score { get; internal set; }

        internal int LevelCount { get; }

        /// <summary>The link of level <paramref name="i"/> (0 to LevelCount - 1).</summary>
        internal ref Level LevelAt(int i) => ref i < InlineLevels ? ref _lowLevels[i] : ref _highLevels![i - InlineLevels];

        /// <summary>The next element in ascending order, or null after the last.</summary>
        public Node? Next => _lowLevels[0].Forward;

        /// <summary>The previous element, or null before the first.</summary>
        public Node? Previous => Backward;
    }

    [InlineArray(Node.InlineLevels)]
    private struct InlineLevelPair
    {
        private Level _element;
    }

    /// <summary>
    /// A link to the next node of a level, with the number of elements it crosses. It also holds the
    /// next node's score, so that a search decides not to move on without touching that node: one
    /// cache miss saved on every level of every search.
    /// </summary>
    internal struct Level
    {
        private double _forwardScore;

        public Node? Forward { readonly get; private set; }

        public long Span;

        public void PointTo(Node? node)
        {
            Forward = node;
            _forwardScore = node?.Score ?? 0;
        }

        /// <summary>Points where <paramref name="other"/> points, without reading the node it points to.</summary>
        public void PointLike(in Level other)
        {
            Forward = other.Forward;
            _forwardScore = other._forwardScore;
        }

        /// <summary>True when the next node comes before (<paramref name="score"/>, <paramref name="member"/>).</summary>
        public readonly bool ForwardBefore(double score, ReadOnlySpan<byte> member) =>
            Forward != null && (_forwardScore < score || (_forwardScore == score && Forward.Member.AsSpan().SequenceCompareTo(member) < 0));

        /// <summary>True when the next node is (<paramref name="score"/>, <paramref name="member"/>) or comes before it.</summary>
        public readonly bool ForwardAtOrBefore(double score, ReadOnlySpan<byte> member) =>
            Forward != null && (_forwardScore < score || (_forwardScore == score && Forward.Member.AsSpan().SequenceCompareTo(member) <= 0));
    }

    [InlineArray(MaxLevel)]
    private struct NodePath
    {
        private Node _element;
    }

    [InlineArray(MaxLevel)]
    private struct RankPath
    {
        private long _element;
    }

    public string TypeName => "zset";

    public string Encoding => IsListpack ? "listpack" : "skiplist";

    /// <summary>True while Redis would hold this set in a listpack (RDB type 17, OBJECT ENCODING "listpack").</summary>
    public bool IsListpack => _table == null;

    public long MemoryUsage => _memory;

    public int Count => _count;

    public Node? First => _header.LevelAt(0).Forward;

    public Node? Last => _tail;

    /// <summary>An empty set in the encoding Redis gives a new key whose first member is <paramref name="firstMemberLength"/> bytes (zaddGenericCommand).</summary>
    public static RedisSortedSet Create(in EncodingLimits limits, long firstMemberLength)
    {
        if (limits.ZsetMaxListpackEntries == 0 || firstMemberLength > limits.ZsetMaxListpackValue) return CreateSkiplist();
        return new RedisSortedSet();
    }

    /// <summary>An empty set in the skiplist encoding, for results built whole (Redis converts them to a listpack afterwards if they fit).</summary>
    public static RedisSortedSet CreateSkiplist()
    {
        var set = new RedisSortedSet();
        set.ConvertToSkiplist();
        return set;
    }

    public Node? Find(ReadOnlySpan<byte> member)
    {
        if (_table != null)
        {
            int slot = _table.Find(member);
            return slot < 0 ? null : _table.ValueAt(slot);
        }
        for (var x = First; x != null; x = x.Next)
        {
            if (x.Member.AsSpan().SequenceEqual(member)) return x;
        }
        return null;
    }

    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        var node = Find(member);
        score = node?.Score ?? 0;
        return node != null;
    }

    /// <summary>
    /// zsetAdd: adds <paramref name="member"/> or updates its score under the ZADD flags, converting
    /// to a skiplist first when the new member would not fit the listpack limits.
    /// <paramref name="newScore"/> is the resulting score when the outcome is not <see cref="ZAddOutcome.Nop"/>.
    /// </summary>
    public ZAddOutcome Add(ReadOnlySpan<byte> member, double score, ZAddFlags flags, in EncodingLimits limits, out double newScore)
    {
        newScore = score;
        if (double.IsNaN(score)) return ZAddOutcome.NaN;
        var node = Find(member);
        if (node != null)
        {
            if ((flags & ZAddFlags.Nx) != 0) return ZAddOutcome.Nop;
            double current = node.Score;
            if ((flags & ZAddFlags.Incr) != 0)
            {
                score += current;
                if (double.IsNaN(score)) return ZAddOutcome.NaN;
            }
            if (((flags & ZAddFlags.Lt) != 0 && score >= current) || ((flags & ZAddFlags.Gt) != 0 && score <= current))
                return ZAddOutcome.Nop;
            newScore = score;
            if (score == current) return ZAddOutcome.Unchanged;
            UpdateScore(node, score);
            return ZAddOutcome.Updated;
        }
        if ((flags & ZAddFlags.Xx) != 0) return ZAddOutcome.Nop;
        Insert(member.ToArray(), score, limits);
        return ZAddOutcome.Added;
    }

    /// <summary>Adds a member known to be absent, converting to a skiplist first when it would not fit the listpack.</summary>
    public Node Insert(byte[] member, double score, in EncodingLimits limits)
    {
        if (IsListpack && (_count + 1L > limits.ZsetMaxListpackEntries || member.Length > limits.ZsetMaxListpackValue)) ConvertToSkiplist();
        var node = new Node(RandomLevel(), member, StoredScore(score));
        Link(node);
        _memory += NodeBytes(node);
        if (_table != null)
        {
            int slot = _table.FindOrAdd(member, KeyTable<Node>.HashOf(member), out _, member);
            _table.WritableValueAt(slot) = node;
            _memory += TableEntryBytes;
        }
        return node;
    }

    /// <summary>Gives an element a new score, moving it only when its place in the order changes (zslUpdateScore).</summary>
    public void UpdateScore(Node node, double score)
    {
        score = StoredScore(score);
        bool staysInPlace = (node.Backward == null || node.Backward.Score < score) && (node.Next == null || node.Next.Score > score);
        if (staysInPlace && node.LevelCount == 1)
        {
            node.Score = score;
            (node.Backward ?? _header).LevelAt(0).PointTo(node);
            return;
        }
        var update = new NodePath();
        FindPath(node.Score, node.Member, ref update);
        if (staysInPlace)
        {
            // The links into the node, one per level it has, carry its score.
            node.Score = score;
            for (int i = 0; i < node.LevelCount; i++) update[i].LevelAt(i).PointTo(node);
            return;
        }
        Unlink(node, ref update);
        node.Score = score;
        Link(node);
    }

    public bool Remove(ReadOnlySpan<byte> member)
    {
        var node = Find(member);
        if (node == null) return false;
        var update = new NodePath();
        FindPath(node.Score, node.Member, ref update);
        Unlink(node, ref update);
        Forget(node);
        _table?.ShrinkIfSparse();
        return true;
    }

    /// <summary>The 0-based rank of an element of this set (zslGetRank).</summary>
    public long RankOf(Node node)
    {
        long rank = 0;
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.LevelAt(i).ForwardAtOrBefore(node.Score, node.Member))
            {
                rank += x.LevelAt(i).Span;
                x = x.LevelAt(i).Forward!;
            }
            if (ReferenceEquals(x, node)) return rank - 1;
        }
        throw new InvalidOperationException("node not in this sorted set");
    }

    /// <summary>The element at 0-based <paramref name="rank"/>, or null past the end (zslGetElementByRank).</summary>
    public Node? ByRank(long rank)
    {
        if (rank < 0 || rank >= _count) return null;
        long target = rank + 1, traversed = 0;
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.LevelAt(i).Forward is { } f && traversed + x.LevelAt(i).Span <= target)
            {
                traversed += x.LevelAt(i).Span;
                x = f;
            }
            if (traversed == target) return x;
        }
        return null;
    }

    /// <summary>The first element in <paramref name="range"/> (of scores, or of members when all scores are equal), with its rank; null when none (zslFirstInRange).</summary>
    public Node? FirstInRange<TRange>(scoped in TRange range, out long rank) where TRange : IElementRange, allows ref struct
    {
        rank = -1;
        if (!Overlaps(range)) return null;
        long traversed = 0;
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.LevelAt(i).Forward is { } f && !range.AboveMin(f))
            {
                traversed += x.LevelAt(i).Span;
                x = f;
            }
        }
        var first = x.Next!;
        if (!range.BelowMax(first)) return null;
        rank = traversed;
        return first;
    }

    /// <summary>The last element in <paramref name="range"/>, with its rank; null when none (zslLastInRange).</summary>
    public Node? LastInRange<TRange>(scoped in TRange range, out long rank) where TRange : IElementRange, allows ref struct
    {
        rank = -1;
        if (!Overlaps(range)) return null;
        long traversed = 0;
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.LevelAt(i).Forward is { } f && range.BelowMax(f))
            {
                traversed += x.LevelAt(i).Span;
                x = f;
            }
        }
        if (!range.AboveMin(x)) return null;
        rank = traversed - 1;
        return x;
    }

    /// <summary>
    /// The ranks of <paramref name="range"/> found as Redis walks a listpack (zzlFirstInRange or
    /// zzlLastInRange, then the walk on from there): a scan from the head, or from the tail when
    /// <paramref name="reverse"/>. It gives the skiplist search's answer whenever the set is ordered
    /// by the range's terms; a member range over unequal scores is where the walk decides.
    /// </summary>
    public (long First, long Last) ListpackRanks<TRange>(scoped in TRange range, bool reverse) where TRange : IElementRange, allows ref struct
    {
        if (!Overlaps(range)) return (0, -1);
        if (!reverse)
        {
            long rank = 0;
            var x = First;
            while (x != null && !range.AboveMin(x)) (x, rank) = (x.Next, rank + 1);
            if (x == null || !range.BelowMax(x)) return (0, -1);
            long first = rank;
            while (x.Next is { } next && range.BelowMax(next)) (x, rank) = (next, rank + 1);
            return (first, rank);
        }
        long back = _count - 1;
        var y = _tail;
        while (y != null && !range.BelowMax(y)) (y, back) = (y.Previous, back - 1);
        if (y == null || !range.AboveMin(y)) return (0, -1);
        long last = back;
        while (y.Previous is { } previous && range.AboveMin(previous)) (y, back) = (previous, back - 1);
        return (back, last);
    }

    /// <summary>zslIsInRange: false when the range is empty or lies wholly before or after the set.</summary>
    private bool Overlaps<TRange>(scoped in TRange range) where TRange : IElementRange, allows ref struct =>
        !range.IsEmpty && _tail != null && range.AboveMin(_tail) && range.BelowMax(First!);

    /// <summary>Removes the elements of 0-based ranks <paramref name="start"/> to <paramref name="end"/> inclusive; returns how many.</summary>
    public long RemoveRange(long start, long end)
    {
        if (start < 0) start = 0;
        if (end >= _count) end = _count - 1;
        if (start > end) return 0;
        var update = new NodePath();
        long traversed = 0;
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.LevelAt(i).Forward != null && traversed + x.LevelAt(i).Span <= start)
            {
                traversed += x.LevelAt(i).Span;
                x = x.LevelAt(i).Forward!;
            }
            update[i] = x;
        }
        long removed = 0;
        var node = x.Next;
        while (node != null && removed <= end - start)
        {
            var next = node.Next;
            Unlink(node, ref update);
            Forget(node);
            removed++;
            node = next;
        }
        if (_table != null) _table.ShrinkIfSparse();
        return removed;
    }

    /// <summary>zsetConvert to skiplist: from now on members are found through a table.</summary>
    public void ConvertToSkiplist()
    {
        if (_table != null) return;
        _table = new KeyTable<Node>();
        for (var x = First; x != null; x = x.Next)
        {
            int slot = _table.FindOrAdd(x.Member, KeyTable<Node>.HashOf(x.Member), out _, x.Member);
            _table.WritableValueAt(slot) = x;
        }
        _memory += (long)_count * TableEntryBytes;
    }

    /// <summary>
    /// zsetConvertToListpackIfNeeded: a skiplist set that fits the limits goes back to a listpack
    /// (done by the commands that build a whole new set: ZUNIONSTORE and the like, RDB loading).
    /// </summary>
    public void ConvertToListpackIfFits(in EncodingLimits limits)
    {
        if (_table == null || _count > limits.ZsetMaxListpackEntries) return;
        for (var x = First; x != null; x = x.Next)
        {
            if (x.Member.Length > limits.ZsetMaxListpackValue) return;
        }
        ConvertToListpack();
    }

    /// <summary>zsetConvert to listpack, whatever the limits (RDB loading keeps a loaded listpack as it was).</summary>
    public void ConvertToListpack()
    {
        if (_table == null) return;
        _table = null;
        _memory -= (long)_count * TableEntryBytes;
        // A listpack stores integral scores as integers: -0 comes back as 0.
        for (var x = First; x != null; x = x.Next) x.Score = StoredScore(x.Score);
    }

    public object Clone()
    {
        var copy = new RedisSortedSet();
        var last = new NodePath();
        var lastRank = new RankPath();
        for (int i = 0; i < MaxLevel; i++) last[i] = copy._header;
        // Elements arrive in order, so each one links after the last node of each of its levels.
        long rank = 0;
        for (var x = First; x != null; x = x.Next)
        {
            rank++;
            var node = new Node(x.LevelCount, x.Member, x.Score);
            for (int i = 0; i < node.LevelCount; i++)
            {
                last[i].LevelAt(i).PointTo(node);
                last[i].LevelAt(i).Span = rank - lastRank[i];
                last[i] = node;
                lastRank[i] = rank;
            }
            node.Backward = copy._tail;
            copy._tail = node;
            copy._level = Math.Max(copy._level, node.LevelCount);
        }
        for (int i = 0; i < MaxLevel; i++) last[i].LevelAt(i).Span = rank - lastRank[i];
        copy._count = _count;
        copy._memory = _memory;
        if (_table != null)
        {
            copy._table = new KeyTable<Node>();
            for (var x = copy.First; x != null; x = x.Next)
            {
                int slot = copy._table.FindOrAdd(x.Member, KeyTable<Node>.HashOf(x.Member), out _, x.Member);
                copy._table.WritableValueAt(slot) = x;
            }
        }
        return copy;
    }

    /// <summary>
    /// Adds the elements of the member table's buckets from <paramref name="cursor"/> on to
    /// <paramref name="into"/> (ZSCAN over a skiplist set: a listpack set is returned whole in one
    /// call, as Redis does). Returns the next cursor, 0 when done.
    /// </summary>
    public ulong Scan(ulong cursor, int count, List<Node> into)
    {
        if (_table == null) throw new InvalidOperationException("a listpack set is scanned whole");
        var state = (Table: _table, Into: into);
        return _table.Scan(cursor, count, ref state, static (ref (KeyTable<Node> Table, List<Node> Into) s, int slot) =>
            s.Into.Add(s.Table.ValueAt(slot)));
    }

    /// <summary>A uniformly random element (ZRANDMEMBER); the set must not be empty.</summary>
    public Node Random(Random random)
    {
        if (_table != null) return _table.ValueAt(_table.RandomSlot(random));
        return ByRank(random.NextInt64(_count))!;
    }

    /// <summary>
    /// The score as the set keeps it: a listpack holds integral scores as integers (double2ll in
    /// zzlInsertAt), which turns -0 into 0; a skiplist keeps the double as is.
    /// </summary>
    private double StoredScore(double score) => IsListpack && score == 0 ? 0.0 : score;

    private static int RandomLevel()
    {
        // Each further level with probability 1/4: count pairs of zero bits.
        int level = 1 + BitOperations.TrailingZeroCount(System.Random.Shared.NextInt64() | (1L << 62)) / 2;
        return Math.Min(level, MaxLevel);
    }

    private static long NodeBytes(Node node) =>
        NodeObjectBytes + (node.LevelCount > Node.InlineLevels ? ArrayHeaderBytes + (node.LevelCount - Node.InlineLevels) * LevelBytes : 0) +
        ArrayHeaderBytes + ((node.Member.Length + 7) & ~7);

    /// <summary>Fills <paramref name="update"/> with the last node before (score, member) on each level.</summary>
    private void FindPath(double score, ReadOnlySpan<byte> member, ref NodePath update)
    {
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.LevelAt(i).ForwardBefore(score, member)) x = x.LevelAt(i).Forward!;
            update[i] = x;
        }
    }

    /// <summary>zslInsert with a node that already has its level: links it at its place in the order.</summary>
    private void Link(Node node)
    {
        var update = new NodePath();
        var rank = new RankPath();
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            rank[i] = i == _level - 1 ? 0 : rank[i + 1];
            while (x.LevelAt(i).ForwardBefore(node.Score, node.Member))
            {
                rank[i] += x.LevelAt(i).Span;
                x = x.LevelAt(i).Forward!;
            }
            update[i] = x;
        }
        int level = node.LevelCount;
        if (level > _level)
        {
            for (int i = _level; i < level; i++)
            {
                rank[i] = 0;
                update[i] = _header;
                _header.LevelAt(i).Span = _count;
            }
            _level = level;
        }
        for (int i = 0; i < level; i++)
        {
            ref Level before = ref update[i].LevelAt(i);
            node.LevelAt(i).PointLike(before);
            before.PointTo(node);
            node.LevelAt(i).Span = before.Span - (rank[0] - rank[i]);
            before.Span = rank[0] - rank[i] + 1;
        }
        for (int i = level; i < _level; i++) update[i].LevelAt(i).Span++;
        node.Backward = ReferenceEquals(update[0], _header) ? null : update[0];
        if (node.Next != null) node.Next.Backward = node;
        else _tail = node;
        _count++;
    }

    /// <summary>zslDeleteNode: takes <paramref name="node"/> out of the list; <paramref name="update"/> is its path.</summary>
    private void Unlink(Node node, ref NodePath update)
    {
        for (int i = 0; i < _level; i++)
        {
            ref Level before = ref update[i].LevelAt(i);
            if (ReferenceEquals(before.Forward, node))
            {
                before.Span += node.LevelAt(i).Span - 1;
                before.PointLike(node.LevelAt(i));
            }
            else
            {
                before.Span -= 1;
            }
        }
        if (node.Next != null) node.Next.Backward = node.Backward;
        else _tail = node.Backward;
        while (_level > 1 && _header.LevelAt(_level - 1).Forward == null) _level--;
        _count--;
    }

    /// <summary>Drops an unlinked node from the member table and the memory count.</summary>
    private void Forget(Node node)
    {
        _memory -= NodeBytes(node);
        if (_table != null)
        {
            _table.Remove(node.Member, KeyTable<Node>.HashOf(node.Member), out _);
            _memory -= TableEntryBytes;
        }
    }
}

/// <summary>ZADD's options (ZADD_IN_*).</summary>
[Flags]
public enum ZAddFlags
{
    None = 0,
    Incr = 1,
    Nx = 2,
    Xx = 4,
    Gt = 8,
    Lt = 16,
}

/// <summary>What <see cref="RedisSortedSet.Add"/> did (ZADD_OUT_*).</summary>
public enum ZAddOutcome
{
    /// <summary>A new member.</summary>
    Added,
    /// <summary>An existing member got a different score.</summary>
    Updated,
    /// <summary>An existing member matched, with the same score.</summary>
    Unchanged,
    /// <summary>Nothing was done because of NX, XX, GT or LT.</summary>
    Nop,
    /// <summary>The score (or the sum for INCR) is not a number.</summary>
    NaN,
}
