namespace Vigil.Server.Storage;

/// <summary>
/// A sorted set (t_zset.c): members ordered by (score, member bytes) in a counted B+tree
/// (<see cref="SortedSetTree"/>), so insert, delete, rank and the start of any range are O(log n).
/// While the set is small (zset-max-listpack-entries / zset-max-listpack-value) it reports the
/// "listpack" encoding, as Redis stores it, and finds members by walking the order; past those
/// limits it converts, as Redis does, to "skiplist", adding a member → node table for O(1) lookups.
/// Members are never modified.
/// </summary>
public sealed class RedisSortedSet : IRedisValue, ICloneableValue, IMemberCollection
{
    /// <summary>Bytes of a node object, of an array header, and of a member table entry.</summary>
    private const int NodeObjectBytes = 48;
    private const int ArrayHeaderBytes = 24;
    private const int TableEntryBytes = 32;
    private const int BaseBytes = 64;

    private readonly SortedSetTree _tree = new();
    private KeyTable<Node>? _table;
    private long _memory = BaseBytes;

    /// <summary>An element: its member, its score, and its neighbours in order.</summary>
    public sealed class Node
    {
        internal Node(byte[] member, double score)
        {
            Member = member;
            Score = score;
        }

        public byte[] Member { get; }

        public double Score { get; internal set; }

        /// <summary>The next element in ascending order, or null after the last.</summary>
        public Node? Next { get; internal set; }

        /// <summary>The previous element, or null before the first.</summary>
        public Node? Previous { get; internal set; }
    }

    public string TypeName => "zset";

    public string Encoding => IsListpack ? "listpack" : "skiplist";

    /// <summary>True while Redis would hold this set in a listpack (RDB type 17, OBJECT ENCODING "listpack").</summary>
    public bool IsListpack => _table == null;

    public long MemoryUsage => _memory + _tree.PageBytes;

    public int Count => _tree.Count;

    public Node? First => _tree.First;

    public Node? Last => _tree.Last;

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
        if (IsListpack && (Count + 1L > limits.ZsetMaxListpackEntries || member.Length > limits.ZsetMaxListpackValue)) ConvertToSkiplist();
        var node = new Node(member, StoredScore(score));
        _tree.Insert(node);
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
    public void UpdateScore(Node node, double score) => _tree.Rescore(node, StoredScore(score));

    public bool Remove(ReadOnlySpan<byte> member)
    {
        var node = Find(member);
        if (node == null) return false;
        _tree.Remove(node);
        Forget(node);
        _table?.ShrinkIfSparse();
        return true;
    }

    /// <summary>The 0-based rank of an element of this set (zslGetRank).</summary>
    public long RankOf(Node node) => _tree.RankOf(node);

    /// <summary>The element at 0-based <paramref name="rank"/>, or null past the end (zslGetElementByRank).</summary>
    public Node? ByRank(long rank) => _tree.ByRank(rank);

    /// <summary>The first element in <paramref name="range"/> (of scores, or of members when all scores are equal), with its rank; null when none (zslFirstInRange).</summary>
    public Node? FirstInRange<TRange>(scoped in TRange range, out long rank) where TRange : IElementRange, allows ref struct
    {
        rank = -1;
        if (!Overlaps(range)) return null;
        var first = _tree.FirstAboveMin(range, out long at);
        if (first == null || !range.BelowMax(first)) return null;
        rank = at;
        return first;
    }

    /// <summary>The last element in <paramref name="range"/>, with its rank; null when none (zslLastInRange).</summary>
    public Node? LastInRange<TRange>(scoped in TRange range, out long rank) where TRange : IElementRange, allows ref struct
    {
        rank = -1;
        if (!Overlaps(range)) return null;
        var last = _tree.LastBelowMax(range, out long at);
        if (last == null || !range.AboveMin(last)) return null;
        rank = at;
        return last;
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
        long back = Count - 1;
        var y = Last;
        while (y != null && !range.BelowMax(y)) (y, back) = (y.Previous, back - 1);
        if (y == null || !range.AboveMin(y)) return (0, -1);
        long last = back;
        while (y.Previous is { } previous && range.AboveMin(previous)) (y, back) = (previous, back - 1);
        return (back, last);
    }

    /// <summary>zslIsInRange: false when the range is empty or lies wholly before or after the set.</summary>
    private bool Overlaps<TRange>(scoped in TRange range) where TRange : IElementRange, allows ref struct =>
        !range.IsEmpty && Last != null && range.AboveMin(Last) && range.BelowMax(First!);

    /// <summary>Removes the elements of 0-based ranks <paramref name="start"/> to <paramref name="end"/> inclusive; returns how many.</summary>
    public long RemoveRange(long start, long end)
    {
        if (start < 0) start = 0;
        if (end >= Count) end = Count - 1;
        if (start > end) return 0;
        long removed = 0;
        var node = ByRank(start);
        while (node != null && removed <= end - start)
        {
            var next = node.Next;
            _tree.Remove(node);
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
        _memory += (long)Count * TableEntryBytes;
    }

    /// <summary>
    /// zsetConvertToListpackIfNeeded: a skiplist set that fits the limits goes back to a listpack
    /// (done by the commands that build a whole new set: ZUNIONSTORE and the like, RDB loading).
    /// </summary>
    public void ConvertToListpackIfFits(in EncodingLimits limits)
    {
        if (_table == null || Count > limits.ZsetMaxListpackEntries) return;
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
        _memory -= (long)Count * TableEntryBytes;
        // A listpack stores integral scores as integers: -0 comes back as 0.
        for (var x = First; x != null; x = x.Next) x.Score = StoredScore(x.Score);
    }

    public object Clone()
    {
        var copy = new RedisSortedSet();
        for (var x = First; x != null; x = x.Next) copy._tree.Insert(new Node(x.Member, x.Score));
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
        return ByRank(random.NextInt64(Count))!;
    }

    /// <summary>
    /// The score as the set keeps it: a listpack holds integral scores as integers (double2ll in
    /// zzlInsertAt), which turns -0 into 0; a skiplist keeps the double as is.
    /// </summary>
    private double StoredScore(double score) => IsListpack && score == 0 ? 0.0 : score;

    private static long NodeBytes(Node node) => NodeObjectBytes + ArrayHeaderBytes + ((node.Member.Length + 7) & ~7);

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
